namespace Telemetry.Agent.Parsing;

/// <summary>How a JSON log writes its time property (<c>json_fields.time_format</c>).</summary>
internal enum JsonTimeFormat
{
    /// <summary>Strings as ISO 8601 or common log format, numbers as Unix seconds (with fraction).</summary>
    Auto,
    Iso8601,
    Clf,
    UnixSeconds,
    UnixMillis,
    UnixMicros,
    UnixNanos,
}
