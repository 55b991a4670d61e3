using System.Globalization;
using System.Text;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using Telemetry.Collector.Enrichment;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Tests.Mapping;

/// <summary>
/// The logs mapping of docs/influxdb-schema.md written the slow, obvious way over the generated message
/// classes, to check the span-based decoder against.
/// </summary>
internal static class ReferenceLogsMapper
{
    private static readonly HashSet<string> KnownMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];
    private static readonly HashSet<string> HttpFields = ["path", "query", "client", "user_agent", "referer", "status_code", "bytes", "duration", "method_original"];
    private static readonly HashSet<string> LogFields = ["body", "trace_id", "span_id", "event_name"];
    private static readonly string[] SeverityBases = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

    public static string Map(ExportLogsServiceRequest request, RouteTemplater routes, StaticTags staticTags, long now, out int received, out int rejected)
    {
        using var buffer = new LineBuffer();
        using var encoder = new PointEncoder(buffer);
        using var scratch = new LineBuffer();
        received = 0;
        rejected = 0;
        foreach (var rl in request.ResourceLogs)
        {
            var host = rl.Resource?.Attributes.LastOrDefault(a => a.Key == "host.name" && a.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue)?.Value.StringValue;
            var service = rl.Resource?.Attributes.LastOrDefault(a => a.Key == "service.name" && a.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue)?.Value.StringValue;
            foreach (var record in rl.ScopeLogs.SelectMany(s => s.LogRecords))
            {
                received++;
                var time = record.TimeUnixNano is > 0 and <= long.MaxValue ? (long)record.TimeUnixNano
                    : record.ObservedTimeUnixNano is > 0 and <= long.MaxValue ? (long)record.ObservedTimeUnixNano
                    : now + received - 1;
                var isHttp = record.Attributes.Any(a => a.Key is "http.request.method" or "http.response.status_code" or "url.path");
                var unique = new List<KeyValue>();
                foreach (var a in record.Attributes)
                {
                    if (!unique.Any(u => u.Key == a.Key))
                    {
                        unique.Add(a);
                    }
                }

                var ok = isHttp
                    ? Http(encoder, scratch, routes, staticTags, host, service, unique, time)
                    : Log(encoder, staticTags, host, service, record, unique, time);
                if (!ok)
                {
                    rejected++;
                }
            }
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static bool Http(PointEncoder e, LineBuffer scratch, RouteTemplater routes, StaticTags staticTags, string? host, string? service, List<KeyValue> attributes, long time)
    {
        string? Str(string key) => attributes.FirstOrDefault(a => a.Key == key && a.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue)?.Value.StringValue;
        long? Int(string key) => attributes.FirstOrDefault(a => a.Key == key && a.Value?.ValueCase == AnyValue.ValueOneofCase.IntValue)?.Value.IntValue;
        var durationAttr = attributes.FirstOrDefault(a => a.Key == "http.server.request.duration" && a.Value?.ValueCase is AnyValue.ValueOneofCase.DoubleValue or AnyValue.ValueOneofCase.IntValue);
        var consumed = new HashSet<KeyValue>();
        void Consume(string key, bool when)
        {
            if (when)
            {
                consumed.Add(attributes.First(a => a.Key == key));
            }
        }

        var method = Str("http.request.method");
        var status = Int("http.response.status_code");
        var path = Str("url.path");
        var query = Str("url.query");
        var client = Str("client.address");
        var ua = Str("user_agent.original");
        var referer = Str("http.request.header.referer");
        var bytes = Int("http.response.body.size");
        var vhost = Str("server.address");
        Consume("http.request.method", method is not null);
        Consume("http.response.status_code", status is not null);
        Consume("url.path", path is not null);
        Consume("url.query", query is not null);
        Consume("client.address", client is not null);
        Consume("user_agent.original", ua is not null);
        Consume("http.request.header.referer", referer is not null);
        Consume("http.response.body.size", bytes is not null);
        Consume("server.address", vhost is not null);
        Consume("http.server.request.duration", durationAttr is not null);

        e.Begin("http_requests");
        Resource(e, host, service);
        if (vhost is not null)
        {
            e.Tag("vhost", vhost);
        }

        var known = method is null || KnownMethods.Contains(method);
        if (method is not null)
        {
            e.Tag("method", known ? method : "OTHER");
        }

        if (status is { } code)
        {
            e.Tag("status", code.ToString(CultureInfo.InvariantCulture));
            e.Tag("status_class", code is >= 100 and <= 599 ? $"{code / 100}xx" : "other");
        }

        if (ua is not null)
        {
            e.Tag("ua_class", Encoding.ASCII.GetString(UserAgentClassifier.Classify(Encoding.UTF8.GetBytes(ua))));
        }

        if (path is not null)
        {
            e.Tag("route", Encoding.UTF8.GetString(routes.Template(Encoding.UTF8.GetBytes(path), scratch)));
        }

        staticTags.WriteTo(e);
        if (path is not null)
        {
            e.Field("path", path);
        }

        if (query is not null)
        {
            e.Field("query", query.StartsWith('?') ? query[1..] : query);
        }

        if (client is not null)
        {
            e.Field("client", client);
        }

        if (ua is not null)
        {
            e.Field("user_agent", ua);
        }

        if (referer is not null)
        {
            e.Field("referer", referer);
        }

        if (status is not null)
        {
            e.Field("status_code", status.Value);
        }

        if (bytes is not null)
        {
            e.Field("bytes", bytes.Value);
        }

        if (durationAttr is not null)
        {
            e.Field("duration", durationAttr.Value.ValueCase == AnyValue.ValueOneofCase.IntValue ? durationAttr.Value.IntValue : durationAttr.Value.DoubleValue);
        }

        if (!known)
        {
            e.Field("method_original", method!);
        }

        foreach (var a in attributes)
        {
            if (!consumed.Contains(a))
            {
                Attribute(e, a, HttpFields);
            }
        }

        return e.End(time);
    }

    private static bool Log(PointEncoder e, StaticTags staticTags, string? host, string? service, LogRecord record, List<KeyValue> attributes, long time)
    {
        e.Begin("logs");
        Resource(e, host, service);
        if (record.SeverityText.Length > 0)
        {
            e.Tag("severity", record.SeverityText);
        }
        else if ((int)record.SeverityNumber is >= 1 and <= 24 and var n)
        {
            var step = (n - 1) % 4;
            e.Tag("severity", SeverityBases[(n - 1) / 4] + (step == 0 ? string.Empty : (step + 1).ToString(CultureInfo.InvariantCulture)));
        }

        staticTags.WriteTo(e);
        e.Field("body", record.Body is null ? string.Empty
            : record.Body.ValueCase == AnyValue.ValueOneofCase.StringValue ? record.Body.StringValue
            : record.Body.ValueCase == AnyValue.ValueOneofCase.None ? string.Empty
            : Json(record.Body));
        foreach (var a in attributes)
        {
            Attribute(e, a, LogFields);
        }

        if (!record.TraceId.IsEmpty)
        {
            e.Field("trace_id", Convert.ToHexStringLower(record.TraceId.Span));
        }

        if (!record.SpanId.IsEmpty)
        {
            e.Field("span_id", Convert.ToHexStringLower(record.SpanId.Span));
        }

        if (record.EventName.Length > 0)
        {
            e.Field("event_name", record.EventName);
        }

        return e.End(time);
    }

    private static void Resource(PointEncoder e, string? host, string? service)
    {
        if (!string.IsNullOrEmpty(host))
        {
            e.Tag("host", host);
        }

        if (!string.IsNullOrEmpty(service))
        {
            e.Tag("service", service);
        }
    }

    private static void Attribute(PointEncoder e, KeyValue a, HashSet<string> reserved)
    {
        if (a.Key.Length == 0 || a.Value is null)
        {
            return;
        }

        var key = reserved.Contains(a.Key) ? a.Key + "_attr" : a.Key;
        switch (a.Value.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue: e.Field(key, a.Value.StringValue); break;
            case AnyValue.ValueOneofCase.BoolValue: e.Field(key, a.Value.BoolValue); break;
            case AnyValue.ValueOneofCase.IntValue: e.Field(key, a.Value.IntValue); break;
            case AnyValue.ValueOneofCase.DoubleValue: e.Field(key, a.Value.DoubleValue); break;
            case AnyValue.ValueOneofCase.BytesValue: e.Field(key, Convert.ToBase64String(a.Value.BytesValue.Span)); break;
            case AnyValue.ValueOneofCase.ArrayValue or AnyValue.ValueOneofCase.KvlistValue: e.Field(key, Json(a.Value)); break;
            default: break;
        }
    }

    private static string Json(AnyValue value)
    {
        var sb = new StringBuilder();
        Json(sb, value);
        return sb.ToString();
    }

    private static void Json(StringBuilder sb, AnyValue? value)
    {
        switch (value?.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue: JsonString(sb, value.StringValue); break;
            case AnyValue.ValueOneofCase.BoolValue: sb.Append(value.BoolValue ? "true" : "false"); break;
            case AnyValue.ValueOneofCase.IntValue: sb.Append(value.IntValue.ToString(CultureInfo.InvariantCulture)); break;
            case AnyValue.ValueOneofCase.DoubleValue:
                sb.Append(double.IsFinite(value.DoubleValue) ? value.DoubleValue.ToString("R", CultureInfo.InvariantCulture) : "null");
                break;
            case AnyValue.ValueOneofCase.BytesValue: sb.Append('"').Append(Convert.ToBase64String(value.BytesValue.Span)).Append('"'); break;
            case AnyValue.ValueOneofCase.ArrayValue:
                sb.Append('[');
                for (var i = 0; i < value.ArrayValue.Values.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    Json(sb, value.ArrayValue.Values[i]);
                }

                sb.Append(']');
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                sb.Append('{');
                for (var i = 0; i < value.KvlistValue.Values.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    JsonString(sb, value.KvlistValue.Values[i].Key);
                    sb.Append(':');
                    Json(sb, value.KvlistValue.Values[i].Value);
                }

                sb.Append('}');
                break;
            default: sb.Append("null"); break;
        }
    }

    private static void JsonString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case < ' ': sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }

        sb.Append('"');
    }
}
