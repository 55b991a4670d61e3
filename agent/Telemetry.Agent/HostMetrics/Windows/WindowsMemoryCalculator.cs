namespace Telemetry.Agent.HostMetrics.Windows;

/// <summary>
/// GlobalMemoryStatusEx to memory and paging usage. Physical: used = total - available, free = available (Windows
/// counts standby cache as available, as Task Manager does). Page file: the commit limit (TotalPageFile) is RAM plus
/// page files, so page-file size = TotalPageFile - TotalPhys and page-file use is estimated as commit in use beyond
/// physical memory in use, clamped to [0, size]: an approximation (the exact figure needs the "Paging File" PDH
/// counter), documented in docs/host-metrics.md.
/// </summary>
internal static class WindowsMemoryCalculator
{
    public static MemoryUsage Memory(ulong totalPhys, ulong availPhys) => new()
    {
        Total = (long)totalPhys,
        Free = (long)availPhys,
        Used = (long)(totalPhys - Math.Min(availPhys, totalPhys)),
        Available = (long)availPhys,
        HasCacheStates = false,
    };

    public static PagingUsage Paging(ulong totalPhys, ulong availPhys, ulong totalPageFile, ulong availPageFile)
    {
        var size = totalPageFile > totalPhys ? (long)(totalPageFile - totalPhys) : 0;
        var commitUsed = (long)(totalPageFile - Math.Min(availPageFile, totalPageFile));
        var physUsed = (long)(totalPhys - Math.Min(availPhys, totalPhys));
        var used = Math.Clamp(commitUsed - physUsed, 0, size);
        return new PagingUsage { Total = size, Used = used, Free = size - used };
    }
}
