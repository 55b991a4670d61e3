using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Telemetry.Collector.Tests.Mapping;

/// <summary>Builds OTLP messages with the generated classes, as a real sender would serialize them.</summary>
internal static class Otlp
{
    public static KeyValue Attr(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    public static KeyValue Attr(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    public static KeyValue Attr(string key, double value) => new() { Key = key, Value = new AnyValue { DoubleValue = value } };

    public static KeyValue Attr(string key, bool value) => new() { Key = key, Value = new AnyValue { BoolValue = value } };

    public static KeyValue Attr(string key, AnyValue value) => new() { Key = key, Value = value };

    public static ExportLogsServiceRequest Request(IEnumerable<KeyValue> resource, params LogRecord[] records)
    {
        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "test" } };
        scope.LogRecords.AddRange(records);
        var rl = new ResourceLogs { Resource = new Resource() };
        rl.Resource.Attributes.AddRange(resource);
        rl.ScopeLogs.Add(scope);
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(rl);
        return request;
    }

    public static ExportLogsServiceRequest Request(params LogRecord[] records) =>
        Request([Attr("host.name", "web-1"), Attr("service.name", "nginx")], records);

    public static LogRecord Record(ulong time, params KeyValue[] attributes)
    {
        var record = new LogRecord { TimeUnixNano = time };
        record.Attributes.AddRange(attributes);
        return record;
    }

    /// <summary>The attributes the agent sends for one combined-format access-log line.</summary>
    public static KeyValue[] AccessLogAttributes(string method = "GET", string path = "/users/123", long status = 200) =>
    [
        Attr("http.request.method", method),
        Attr("url.path", path),
        Attr("url.query", "page=2"),
        Attr("http.response.status_code", status),
        Attr("http.response.body.size", 5120L),
        Attr("client.address", "203.0.113.7"),
        Attr("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"),
        Attr("http.request.header.referer", "https://example.com/"),
        Attr("network.protocol.version", "1.1"),
        Attr("log.file.path", "/var/log/nginx/access.log"),
    ];

    public static byte[] Bytes(IMessage message) => message.ToByteArray();
}
