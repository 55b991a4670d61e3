using System.Text;
using OpenTelemetry.Proto.Logs.V1;
using Telemetry.Agent.Encoders;
using Telemetry.Agent.Parsing;

namespace Telemetry.Agent.Tests.Parsing;

/// <summary>The seam Parsing → Encoding: what a parser emits is what the OTLP record carries.</summary>
public class ParsedLineEncodingTests
{
    [Fact]
    public void Parsed_apache_line_becomes_an_otlp_record_with_the_parsers_attributes_and_types()
    {
        var parser = LogFormatFactory.Create("apache", "%h %l %u %t \\\"%r\\\" %>s %b \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\" %D", null).CreateParser();
        using var encoder = new OtlpLogRecordEncoder();
        var line = Encoding.UTF8.GetBytes(
            "10.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] \"GET /caf\\xc3\\xa9?q=\\xff HTTP/1.1\" 200 2326 \"-\" \"curl/8\" 1500");
        encoder.Begin(new RecordOrigin(new FileLabel("/var/log/apache2/access.log"), 4096, 7, 1));
        Assert.Equal(ParseStatus.Record, parser.Parse(line, encoder).Status);
        var record = LogRecord.Parser.ParseFrom(encoder.End().ToArray());

        var logged = new DateTimeOffset(2000, 10, 10, 20, 55, 36, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;
        Assert.InRange((long)record.TimeUnixNano, logged, logged + 999_999_999);
        var attributes = record.Attributes.ToDictionary(a => a.Key, a => a.Value);
        Assert.Equal("10.0.0.1", attributes["client.address"].StringValue);
        Assert.Equal("bob", attributes["user.name"].StringValue);
        Assert.Equal("/café", attributes["url.path"].StringValue);
        Assert.Equal("q=\uFFFD", attributes["url.query"].StringValue);
        Assert.Equal(200, attributes["http.response.status_code"].IntValue);
        Assert.Equal(2326, attributes["http.response.body.size"].IntValue);
        Assert.Equal(0.0015, attributes["http.server.request.duration"].DoubleValue, 9);
        Assert.Equal("curl/8", attributes["user_agent.original"].StringValue);
        Assert.False(attributes.ContainsKey("http.request.header.referer"));
    }
}
