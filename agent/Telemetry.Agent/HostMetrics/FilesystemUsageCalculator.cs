namespace Telemetry.Agent.HostMetrics;

/// <summary>Block counts (statvfs, or bytes with size 1 from GetDiskFreeSpaceEx) to the used/free/reserved states, matching df: Used = blocks - bfree, Avail = bavail.</summary>
internal static class FilesystemUsageCalculator
{
    public static FilesystemUsage FromStatVfs(ulong blocks, ulong blocksFree, ulong blocksAvailable, ulong fragmentSize)
    {
        var size = fragmentSize == 0 ? 1UL : fragmentSize;
        var total = (long)(blocks * size);
        var free = (long)(blocksFree * size);
        // bavail can exceed bfree on some filesystems (e.g. when reservations change underneath); clamp.
        var available = Math.Min((long)(blocksAvailable * size), free);
        return new FilesystemUsage
        {
            Total = total,
            Used = total - free,
            Free = available,
            Reserved = free - available,
        };
    }
}
