using System.Text;

namespace Telemetry.Agent.Parsing;

/// <summary>
/// JSON lines, one object per line. <c>json_fields</c> maps attribute names to top-level JSON properties
/// (<c>client.address: remote_ip</c>); the reserved keys <c>time</c> (the time property) and
/// <c>time_format</c> (<c>auto</c>, <c>iso8601</c>, <c>clf</c>, <c>unix</c>, <c>unix_ms</c>, <c>unix_us</c>,
/// <c>unix_ns</c>) say where the time is. Without a mapping every top-level scalar is kept under its own
/// name and the time is read from <c>time</c>, <c>timestamp</c> or <c>@timestamp</c>.
/// </summary>
internal sealed class JsonLinesFormat : ILogFormat
{
    private static readonly HashSet<string> IntAttributes = new(StringComparer.Ordinal)
    {
        AttributeKeys.StatusCode.Name, AttributeKeys.ResponseBodySize.Name, AttributeKeys.ResponseSize.Name,
        AttributeKeys.RequestSize.Name, AttributeKeys.RequestBodySize.Name, AttributeKeys.ServerPort.Name,
        AttributeKeys.ClientPort.Name,
    };

    public JsonLinesFormat(IReadOnlyDictionary<string, string>? jsonFields)
    {
        var mappings = new List<JsonFieldMapping>();
        var times = new List<byte[]>();
        TimeFormat = JsonTimeFormat.Auto;
        if (jsonFields is null || jsonFields.Count == 0)
        {
            times.Add("time"u8.ToArray());
            times.Add("timestamp"u8.ToArray());
            times.Add("@timestamp"u8.ToArray());
            KeepAll = true;
        }
        else
        {
            foreach (var (attribute, property) in jsonFields)
            {
                if (string.IsNullOrWhiteSpace(property))
                {
                    throw new LogFormatException("json_fields." + attribute + " needs a JSON property name", attribute, 0);
                }

                if (attribute == "time")
                {
                    times.Add(Encoding.UTF8.GetBytes(property));
                }
                else if (attribute == "time_format")
                {
                    TimeFormat = property switch
                    {
                        "auto" => JsonTimeFormat.Auto,
                        "iso8601" or "rfc3339" => JsonTimeFormat.Iso8601,
                        "clf" or "apache" or "nginx" => JsonTimeFormat.Clf,
                        "unix" or "unix_s" => JsonTimeFormat.UnixSeconds,
                        "unix_ms" => JsonTimeFormat.UnixMillis,
                        "unix_us" => JsonTimeFormat.UnixMicros,
                        "unix_ns" => JsonTimeFormat.UnixNanos,
                        _ => throw new LogFormatException(
                            "json_fields.time_format: unknown time format " + property + " (auto, iso8601, clf, unix, unix_ms, unix_us, unix_ns)",
                            property, 0),
                    };
                }
                else
                {
                    var kind = IntAttributes.Contains(attribute) ? JsonValueKind.Int
                        : attribute == AttributeKeys.Duration.Name ? JsonValueKind.Double
                        : JsonValueKind.Any;
                    mappings.Add(new JsonFieldMapping(Encoding.UTF8.GetBytes(property), new AttributeKey(attribute), kind));
                }
            }
        }

        Mappings = [.. mappings];
        TimeProperties = [.. times];
    }

    public string Kind => "json";

    internal bool KeepAll { get; }

    internal JsonFieldMapping[] Mappings { get; }

    internal byte[][] TimeProperties { get; }

    internal JsonTimeFormat TimeFormat { get; }

    public ILogParser CreateParser() => new JsonLinesParser(this);

    internal enum JsonValueKind : byte
    {
        Any,
        Int,
        Double,
    }

    internal sealed record JsonFieldMapping(byte[] Property, AttributeKey Key, JsonValueKind Kind);
}
