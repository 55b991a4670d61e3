namespace Telemetry.Agent.HostMetrics;

/// <summary>Cumulative counters of one network interface since it appeared.</summary>
internal struct NetworkCounters
{
    public string Interface;
    public long ReceiveBytes;
    public long ReceivePackets;
    public long ReceiveErrors;
    public long ReceiveDropped;
    public long TransmitBytes;
    public long TransmitPackets;
    public long TransmitErrors;
    public long TransmitDropped;
}
