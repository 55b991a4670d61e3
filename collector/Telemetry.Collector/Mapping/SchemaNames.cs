using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Mapping;

/// <summary>The measurement, tag and field names the logs mapping writes (docs/influxdb-schema.md), checked
/// once to need no escaping, so the encoder copies them without scanning.</summary>
internal static class SchemaNames
{
    public static readonly PlainName Body = new("body");

    public static readonly PlainName Bytes = new("bytes");

    public static readonly PlainName Client = new("client");

    public static readonly PlainName Duration = new("duration");

    public static readonly PlainName EventName = new("event_name");

    public static readonly PlainName Host = new("host");

    public static readonly PlainName HttpRequests = new("http_requests");

    public static readonly PlainName Logs = new("logs");

    public static readonly PlainName Method = new("method");

    public static readonly PlainName MethodOriginal = new("method_original");

    public static readonly PlainName Path = new("path");

    public static readonly PlainName Query = new("query");

    public static readonly PlainName Referer = new("referer");

    public static readonly PlainName Route = new("route");

    public static readonly PlainName Service = new("service");

    public static readonly PlainName Severity = new("severity");

    public static readonly PlainName SpanId = new("span_id");

    public static readonly PlainName Status = new("status");

    public static readonly PlainName StatusClass = new("status_class");

    public static readonly PlainName StatusCode = new("status_code");

    public static readonly PlainName TraceId = new("trace_id");

    public static readonly PlainName UaClass = new("ua_class");

    public static readonly PlainName UserAgent = new("user_agent");

    public static readonly PlainName Vhost = new("vhost");
}
