namespace Telemetry.Agent.HostMetrics;

/// <summary>
/// One reading of every enabled metric family. Two instances alternate (previous/current) so that nothing is
/// allocated per interval beyond names seen for the first time; a family that was not read has its Has* flag off.
/// </summary>
internal sealed class HostSnapshot
{
    public bool HasCpu;
    public CpuTimes CpuTotal;

    /// <summary>Per logical CPU, in the order the OS lists them; <see cref="CpuIds"/> holds each one's number.</summary>
    public CpuTimes[] PerCpu = [];
    public int[] CpuIds = [];
    public int PerCpuCount;

    public int LogicalCpuCount;

    public bool HasMemory;
    public MemoryUsage Memory;

    public bool HasPaging;
    public PagingUsage Paging;

    public bool HasLoad;
    public LoadAverage Load;

    public readonly List<DiskCounters> Disks = [];
    public readonly List<FilesystemUsage> Filesystems = [];
    public readonly List<NetworkCounters> Networks = [];

    public bool HasUptime;
    public double UptimeSeconds;

    public bool HasProcessCount;
    public long ProcessCount;

    /// <summary>Processes created since boot (Linux /proc/stat "processes"); -1 when the platform does not say.</summary>
    public long ProcessesCreated = -1;

    /// <summary>Makes room for <paramref name="count"/> per-CPU entries, reusing the arrays when they are big enough.</summary>
    public void EnsurePerCpuCapacity(int count)
    {
        if (PerCpu.Length < count)
        {
            Array.Resize(ref PerCpu, count);
            Array.Resize(ref CpuIds, count);
        }
    }

    /// <summary>Forgets every family (the sampler sets what it reads).</summary>
    public void Clear()
    {
        HasCpu = false;
        PerCpuCount = 0;
        LogicalCpuCount = 0;
        HasMemory = false;
        HasPaging = false;
        HasLoad = false;
        Disks.Clear();
        Filesystems.Clear();
        Networks.Clear();
        HasUptime = false;
        HasProcessCount = false;
        ProcessesCreated = -1;
    }
}
