namespace Telemetry.Agent.HostMetrics.Linux;

/// <summary>Parses the agent's own /proc/self/stat (CPU ticks) and /proc/self/statm (resident pages).</summary>
internal static class ProcSelfParser
{
    /// <summary>utime + stime in ticks: fields 14 and 15, counted after the command name, which may hold spaces and ')'.</summary>
    public static bool TryParseCpuTicks(ReadOnlySpan<byte> stat, out long ticks)
    {
        ticks = 0;
        var close = stat.LastIndexOf((byte)')');
        if (close < 0)
        {
            return false;
        }

        var fields = new FieldReader(stat[(close + 1)..]);
        if (!fields.Skip(11) || !fields.TryNextInt64(out var user) || !fields.TryNextInt64(out var system))
        {
            return false;
        }

        ticks = user + system;
        return true;
    }

    /// <summary>Resident set size in pages: the second field of statm.</summary>
    public static bool TryParseResidentPages(ReadOnlySpan<byte> statm, out long pages)
    {
        var fields = new FieldReader(statm);
        pages = 0;
        return fields.Skip(1) && fields.TryNextInt64(out pages);
    }
}
