namespace Telemetry.Agent.HostMetrics.Linux;

/// <summary>Parses /proc/loadavg: <c>0.52 0.58 0.59 2/345 12345</c>.</summary>
internal static class LoadAvgParser
{
    public static bool Parse(ReadOnlySpan<byte> text, out LoadAverage load)
    {
        load = default;
        var fields = new FieldReader(text.TrimEnd("\n"u8));
        return fields.TryNextDouble(out load.OneMinute)
            && fields.TryNextDouble(out load.FiveMinutes)
            && fields.TryNextDouble(out load.FifteenMinutes);
    }
}
