namespace Telemetry.Agent.HostMetrics;

/// <summary>Reads the host's counters of the enabled families into a snapshot (one platform each).</summary>
internal interface IHostSampler
{
    /// <summary>Fills <paramref name="snapshot"/> (already cleared). A family that cannot be read is left out and logged, never thrown.</summary>
    void Sample(HostSnapshot snapshot);
}
