using System.Diagnostics.Metrics;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.Encoders;
using Telemetry.Agent.Metrics;
using Telemetry.Agent.Parsing;

namespace Telemetry.Agent.Tests.Metrics;

public sealed class RequestMetricsTests
{
    private static readonly AttributeKey Method = new("http.request.method");
    private static readonly AttributeKey Status = new("http.response.status_code");
    private static readonly AttributeKey Bytes = new("http.response.body.size");
    private static readonly AttributeKey Vhost = new("server.address");
    private static readonly AttributeKey Duration = new("http.server.request.duration");

    [Fact]
    public void Parsed_requests_are_counted_by_method_status_class_and_vhost()
    {
        using var metrics = new RequestMetrics(new RequestMetricsOptions { MaxVhosts = 1 });
        var counts = new List<(string Name, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == RequestMetrics.MeterName)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => counts.Add((i.Name, v, Tags(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => counts.Add((i.Name, v, Tags(tags))));
        listener.Start();

        using var encoder = new OtlpLogRecordEncoder(metrics);
        var origin = new RecordOrigin(new FileLabel("/x"), 0, 0, 0);
        void Line(string method, long status, long bytes, string vhost, double? duration)
        {
            encoder.Begin(origin);
            encoder.String(Method, System.Text.Encoding.ASCII.GetBytes(method));
            encoder.Int(Status, status);
            encoder.Int(Bytes, bytes);
            encoder.String(Vhost, System.Text.Encoding.ASCII.GetBytes(vhost));
            if (duration is { } d)
            {
                encoder.Double(Duration, d);
            }

            encoder.End();
        }

        Line("GET", 200, 100, "a.example", 0.1);
        Line("BREW", 418, 5, "b.example", null);

        var requests = counts.Where(c => c.Name == "http.server.request.count").ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal("GET", requests[0].Tags["http.request.method"]);
        Assert.Equal("2xx", requests[0].Tags["http.response.status_class"]);
        Assert.Equal("a.example", requests[0].Tags["server.address"]);
        Assert.Equal("_OTHER", requests[1].Tags["http.request.method"]);
        Assert.Equal("4xx", requests[1].Tags["http.response.status_class"]);
        Assert.Equal("other", requests[1].Tags["server.address"]);
        Assert.Equal([100.0, 5.0], counts.Where(c => c.Name == "http.server.response.body.size").Select(c => c.Value));
        Assert.Equal([0.1], counts.Where(c => c.Name == "http.server.request.duration").Select(c => c.Value));
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }
}
