using System.Text;
using Telemetry.Agent.HostMetrics;
using Telemetry.Agent.HostMetrics.Linux;

namespace Telemetry.Agent.Tests.HostMetrics.Linux;

public class NetDevParserTests
{
    [Fact]
    public void Every_interface_is_read_including_one_whose_counter_touches_the_colon()
    {
        var interfaces = new List<NetworkCounters>();
        Assert.True(NetDevParser.Parse(Encoding.ASCII.GetBytes(ProcSamples.NetDev), new NameTable(), interfaces));

        Assert.Equal(["lo", "eth0", "wlp2s0"], interfaces.Select(i => i.Interface));
        var eth0 = interfaces[1];
        Assert.Equal(434390134, eth0.ReceiveBytes);
        Assert.Equal(15256, eth0.ReceivePackets);
        Assert.Equal(3, eth0.ReceiveErrors);
        Assert.Equal(7, eth0.ReceiveDropped);
        Assert.Equal(920516, eth0.TransmitBytes);
        Assert.Equal(11057, eth0.TransmitPackets);
        Assert.Equal(1, eth0.TransmitErrors);
        Assert.Equal(2, eth0.TransmitDropped);
    }

    [Fact]
    public void Unsigned_counters_beyond_int64_saturate_instead_of_going_negative()
    {
        var interfaces = new List<NetworkCounters>();
        NetDevParser.Parse(Encoding.ASCII.GetBytes(ProcSamples.NetDev), new NameTable(), interfaces);

        Assert.Equal(long.MaxValue, interfaces[2].ReceiveBytes);
    }
}
