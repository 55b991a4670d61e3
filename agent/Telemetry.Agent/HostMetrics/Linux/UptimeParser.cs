namespace Telemetry.Agent.HostMetrics.Linux;

/// <summary>Parses /proc/uptime: seconds since boot, then idle seconds summed over CPUs.</summary>
internal static class UptimeParser
{
    public static bool Parse(ReadOnlySpan<byte> text, out double uptimeSeconds)
    {
        var fields = new FieldReader(text.TrimEnd("\n"u8));
        return fields.TryNextDouble(out uptimeSeconds);
    }
}
