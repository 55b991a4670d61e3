namespace Telemetry.Agent.HostMetrics.Linux;

/// <summary>
/// Parses /proc/meminfo (kB values) into memory and swap usage, with the states defined like procps <c>free</c>'s
/// columns so that they add up to MemTotal:
/// free = MemFree; buffers = Buffers; cached = Cached + SReclaimable (free's "cache");
/// used = MemTotal - free - buffers - cached (free before procps-ng 4.0.1; newer free prints MemTotal - MemAvailable,
/// published here as system.linux.memory.available). Swap: used = SwapTotal - SwapFree.
/// </summary>
internal static class MemInfoParser
{
    public static bool Parse(ReadOnlySpan<byte> text, out MemoryUsage memory, out PagingUsage paging)
    {
        long total = -1, free = -1, available = -1, buffers = 0, cached = 0, reclaimable = 0, swapTotal = 0, swapFree = 0;
        while (FieldReader.TryNextLine(ref text, out var line))
        {
            var fields = new FieldReader(line);
            if (!fields.TryNext(out var key) || !fields.TryNextInt64(out var kb))
            {
                continue;
            }

            var bytes = kb * 1024;
            if (key.SequenceEqual("MemTotal:"u8)) total = bytes;
            else if (key.SequenceEqual("MemFree:"u8)) free = bytes;
            else if (key.SequenceEqual("MemAvailable:"u8)) available = bytes;
            else if (key.SequenceEqual("Buffers:"u8)) buffers = bytes;
            else if (key.SequenceEqual("Cached:"u8)) cached = bytes;
            else if (key.SequenceEqual("SReclaimable:"u8)) reclaimable = bytes;
            else if (key.SequenceEqual("SwapTotal:"u8)) swapTotal = bytes;
            else if (key.SequenceEqual("SwapFree:"u8)) swapFree = bytes;
        }

        memory = default;
        paging = default;
        if (total <= 0 || free < 0)
        {
            return false;
        }

        var cache = cached + reclaimable;
        var used = total - free - buffers - cache;
        if (used < 0)
        {
            // As procps does when the cache counters overlap (e.g. in some containers): fall back to total - free.
            used = total - free;
            buffers = 0;
            cache = 0;
        }

        memory = new MemoryUsage
        {
            Total = total,
            Free = free,
            Buffers = buffers,
            Cached = cache,
            Used = used,
            Available = available,
            HasCacheStates = true,
        };
        paging = new PagingUsage { Total = swapTotal, Free = swapFree, Used = Math.Max(0, swapTotal - swapFree) };
        return true;
    }
}
