using System.Text;
using Telemetry.Collector.Enrichment;

namespace Telemetry.Collector.Tests.Enrichment;

public sealed class StatusClassifierTests
{
    [Theory]
    [InlineData(100, "1xx")]
    [InlineData(101, "1xx")]
    [InlineData(200, "2xx")]
    [InlineData(299, "2xx")]
    [InlineData(304, "3xx")]
    [InlineData(404, "4xx")]
    [InlineData(499, "4xx")]
    [InlineData(500, "5xx")]
    [InlineData(599, "5xx")]
    [InlineData(0, "other")]
    [InlineData(99, "other")]
    [InlineData(600, "other")]
    [InlineData(999, "other")]
    [InlineData(-200, "other")]
    public void Status_code_maps_to_its_class(long code, string expected)
    {
        Assert.Equal(expected, Encoding.ASCII.GetString(StatusClassifier.Classify(code)));
    }
}
