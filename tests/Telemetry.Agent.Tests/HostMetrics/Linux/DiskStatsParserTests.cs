using System.Text;
using Telemetry.Agent.HostMetrics;
using Telemetry.Agent.HostMetrics.Linux;

namespace Telemetry.Agent.Tests.HostMetrics.Linux;

public class DiskStatsParserTests
{
    private static List<DiskCounters> Parse()
    {
        var disks = new List<DiskCounters>();
        var filter = new DiskFilter(["loop0", "vda", "zram0", "nvme0n1", "dm-0", "ram0"]);
        DiskStatsParser.Parse(Encoding.ASCII.GetBytes(ProcSamples.DiskStats), new NameTable(), filter, disks);
        return disks;
    }

    [Fact]
    public void Whole_disks_and_device_mapper_are_kept_partitions_loop_and_ram_are_not()
    {
        Assert.Equal(["vda", "nvme0n1", "dm-0"], Parse().Select(d => d.Device));
    }

    [Fact]
    public void Sectors_become_bytes_and_milliseconds_become_seconds()
    {
        var vda = Parse()[0];

        Assert.Equal(73748, vda.ReadOperations);
        Assert.Equal(57399, vda.WriteOperations);
        Assert.Equal(4501450L * 512, vda.ReadBytes);
        Assert.Equal(7560552L * 512, vda.WriteBytes);
        Assert.Equal(15.204, vda.ReadTimeSeconds, 9);
        Assert.Equal(35.853, vda.WriteTimeSeconds, 9);
        Assert.Equal(18.060, vda.IoTimeSeconds, 9);
    }

    [Fact]
    public void Kernels_with_eleven_columns_are_read()
    {
        var nvme = Parse()[1];

        Assert.Equal(0.7, nvme.IoTimeSeconds, 9);
        Assert.Equal(40000L * 512, nvme.WriteBytes);
    }

    [Fact]
    public void Names_are_interned_between_reads()
    {
        var names = new NameTable();
        var filter = new DiskFilter(["vda"]);
        var first = new List<DiskCounters>();
        var second = new List<DiskCounters>();
        DiskStatsParser.Parse(Encoding.ASCII.GetBytes(ProcSamples.DiskStats), names, filter, first);
        DiskStatsParser.Parse(Encoding.ASCII.GetBytes(ProcSamples.DiskStats), names, filter, second);

        Assert.Same(first[0].Device, second[0].Device);
    }
}
