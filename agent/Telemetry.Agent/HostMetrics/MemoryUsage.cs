namespace Telemetry.Agent.HostMetrics;

/// <summary>
/// Physical memory in bytes. <see cref="Used"/> + <see cref="Free"/> + <see cref="Buffers"/> + <see cref="Cached"/>
/// = <see cref="Total"/> on Linux; on Windows Buffers and Cached are not reported (zero, and not published).
/// </summary>
internal struct MemoryUsage
{
    public long Total;
    public long Free;
    public long Buffers;
    public long Cached;
    public long Used;

    /// <summary>Estimate of memory available to new programs without swapping (Linux MemAvailable); -1 when unknown.</summary>
    public long Available;

    /// <summary>Whether <see cref="Buffers"/> and <see cref="Cached"/> are measured on this platform.</summary>
    public bool HasCacheStates;
}
