using OpenTelemetry.Proto.Collector.Logs.V1;
using Telemetry.Agent.Batching;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.Encoders;
using Telemetry.Agent.Parsing;
using Telemetry.Agent.Tests.Tailing;

namespace Telemetry.Agent.Tests.Encoders;

public sealed class OtlpLogRecordEncoderTests
{
    private static readonly AttributeKey Method = new("http.request.method");
    private static readonly AttributeKey Status = new("http.response.status_code");
    private static readonly AttributeKey Duration = new("http.server.request.duration");

    private sealed class Participant : Telemetry.Agent.Delivery.IBatchParticipant
    {
        public void Sealed(long batch)
        {
        }

        public void Acknowledged(long batch)
        {
        }
    }

    private static ExportLogsServiceRequest Encode(Func<OtlpLogRecordEncoder, RecordOrigin, byte[]> write)
    {
        var source = new TailSource(0, new SourceOptions { Name = "nginx", Format = "nginx", Paths = ["/var/log/nginx/access.log"] }, new TestFormat(), [new("host.name", "web-1"), new("service.name", "telemetry-agent"), new("host.cpu.count", 4L)]);
        var channel = System.Threading.Channels.Channel.CreateUnbounded<LogBatch>();
        using var batcher = new LogBatcher(new BatchOptions(), [source], channel.Writer, TimeProvider.System);
        using var encoder = new OtlpLogRecordEncoder();
        var origin = new RecordOrigin(new FileLabel("/var/log/nginx/access.log"), 12345, 0, 1_700_000_001_500_000_000);
        batcher.Add(source, write(encoder, origin), new Participant());
        batcher.SealNow();
        batcher.PublishAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        Assert.True(channel.Reader.TryRead(out var batch));
        using (batch)
        {
            return ExportLogsServiceRequest.Parser.ParseFrom(batch!.Request.Span);
        }
    }

    [Fact]
    public void Encoded_request_parses_back_with_resource_scope_time_and_attributes()
    {
        var request = Encode((e, origin) =>
        {
            e.Begin(origin);
            e.Time(new LogTime(1_700_000_000_000_000_000, 60, 1_000_000_000));
            e.String(Method, "GET"u8);
            e.Int(Status, 404);
            e.Double(Duration, 0.25);
            e.String(TestFormat.Text, [(byte)'c', (byte)'a', (byte)'f', 0xc3, 0xa9, (byte)' ', 0xff, (byte)'!']);
            return e.End().ToArray();
        });

        var resource = Assert.Single(request.ResourceLogs);
        var resourceAttributes = resource.Resource.Attributes.ToDictionary(a => a.Key, a => a.Value);
        Assert.Equal("web-1", resourceAttributes["host.name"].StringValue);
        Assert.Equal("nginx", resourceAttributes["service.name"].StringValue);
        Assert.Equal(4, resourceAttributes["host.cpu.count"].IntValue);
        Assert.Equal("telemetry-agent", resource.ScopeLogs[0].Scope.Name);
        var record = Assert.Single(resource.ScopeLogs[0].LogRecords);
        Assert.Equal(1_700_000_000_000_012_345UL, record.TimeUnixNano);
        Assert.Equal(1_700_000_001_500_000_000UL, record.ObservedTimeUnixNano);
        var attributes = record.Attributes.ToDictionary(a => a.Key, a => a.Value);
        Assert.Equal("GET", attributes["http.request.method"].StringValue);
        Assert.Equal(404, attributes["http.response.status_code"].IntValue);
        Assert.Equal(0.25, attributes["http.server.request.duration"].DoubleValue);
        Assert.Equal("café \ufffd!", attributes["text"].StringValue);
        Assert.Equal("/var/log/nginx/access.log", attributes["log.file.path"].StringValue);
        Assert.Equal("access.log", attributes["log.file.name"].StringValue);
        Assert.Equal(OpenTelemetry.Proto.Common.V1.AnyValue.ValueOneofCase.None, record.Body?.ValueCase ?? OpenTelemetry.Proto.Common.V1.AnyValue.ValueOneofCase.None);
    }

    [Fact]
    public void Malformed_line_keeps_the_raw_line_as_body_and_the_reason()
    {
        var request = Encode((e, origin) => e.Malformed(origin, "\x16\x03\x01 tls bytes"u8, "expected '[' at column 23").ToArray());
        var record = request.ResourceLogs[0].ScopeLogs[0].LogRecords[0];
        Assert.Equal("\x16\x03\x01 tls bytes", record.Body.StringValue);
        Assert.Equal("expected '[' at column 23", record.Attributes.Single(a => a.Key == "log.parse.error").Value.StringValue);
        Assert.Equal(0UL, record.TimeUnixNano);
    }

    [Theory]
    [InlineData(0L, 0UL)]
    [InlineData(1_000_000_000L, 17UL)]
    [InlineData(4_000_000_123L, ulong.MaxValue)]
    public void Line_timestamp_stays_inside_the_logged_second_and_is_deterministic(long offset, ulong salt)
    {
        const long second = 1_700_000_000_000_000_000;
        var t = LineTimestamp.Place(second, 1_000_000_000, offset, salt);
        Assert.InRange(t, second, second + 999_999_999);
        Assert.Equal(t, LineTimestamp.Place(second, 1_000_000_000, offset, salt));
        Assert.NotEqual(t, LineTimestamp.Place(second, 1_000_000_000, offset + 80, salt));
        Assert.Equal(second + 5, LineTimestamp.Place(second + 5, 1, offset, salt));
    }
}
