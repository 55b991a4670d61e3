namespace Telemetry.Agent.HostMetrics;

/// <summary>Swap (Linux) or page file (Windows) in bytes.</summary>
internal struct PagingUsage
{
    public long Total;
    public long Used;
    public long Free;
}
