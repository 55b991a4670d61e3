namespace Telemetry.Agent.HostMetrics;

/// <summary>Cumulative I/O counters of one block device since boot.</summary>
internal struct DiskCounters
{
    public string Device;
    public long ReadBytes;
    public long WriteBytes;
    public long ReadOperations;
    public long WriteOperations;

    /// <summary>Seconds during which the device had I/O in flight (Linux "time spent doing I/Os").</summary>
    public double IoTimeSeconds;

    /// <summary>Seconds spent by all reads (sum over requests, so it can exceed wall time).</summary>
    public double ReadTimeSeconds;

    public double WriteTimeSeconds;
}
