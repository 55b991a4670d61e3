using System.Text;
using Telemetry.Agent.HostMetrics;
using Telemetry.Agent.HostMetrics.Linux;

namespace Telemetry.Agent.Tests.HostMetrics.Linux;

public class ProcStatParserTests
{
    private static HostSnapshot Parse(string text, bool perCpu)
    {
        var snapshot = new HostSnapshot();
        Assert.True(ProcStatParser.Parse(Encoding.ASCII.GetBytes(text), 100, snapshot, perCpu));
        return snapshot;
    }

    [Fact]
    public void Host_line_becomes_seconds_per_mode()
    {
        var snapshot = Parse(ProcSamples.Stat, perCpu: false);

        Assert.True(snapshot.HasCpu);
        Assert.Equal(460.21, snapshot.CpuTotal[CpuMode.User], 6);
        Assert.Equal(0, snapshot.CpuTotal[CpuMode.Nice]);
        Assert.Equal(225.98, snapshot.CpuTotal[CpuMode.System], 6);
        Assert.Equal(31553.92, snapshot.CpuTotal[CpuMode.Idle], 6);
        Assert.Equal(8.83, snapshot.CpuTotal[CpuMode.IoWait], 6);
        Assert.Equal(6.98, snapshot.CpuTotal[CpuMode.SoftIrq], 6);
        Assert.Equal(2, snapshot.LogicalCpuCount);
        Assert.Equal(0, snapshot.PerCpuCount);
        Assert.Equal(19055, snapshot.ProcessesCreated);
    }

    [Fact]
    public void Per_cpu_lines_keep_their_cpu_numbers_when_enabled()
    {
        var snapshot = Parse(ProcSamples.Stat, perCpu: true);

        Assert.Equal(2, snapshot.PerCpuCount);
        Assert.Equal([0, 1], snapshot.CpuIds[..2]);
        Assert.Equal(205.09, snapshot.PerCpu[0][CpuMode.User], 6);
        Assert.Equal(15743.44, snapshot.PerCpu[1][CpuMode.Idle], 6);
    }

    [Fact]
    public void Host_with_many_cpus_and_offline_gaps_lists_every_online_cpu()
    {
        var text = new StringBuilder("cpu  1 2 3 4 5 6 7 8 9 10\n");
        var ids = Enumerable.Range(0, 256).Where(i => i % 17 != 5).ToArray();
        foreach (var id in ids)
        {
            text.Append($"cpu{id} {id} 0 1 1000 0 0 0 0 0 0\n");
        }

        text.Append("processes 7\n");
        var snapshot = Parse(text.ToString(), perCpu: true);

        Assert.Equal(ids.Length, snapshot.PerCpuCount);
        Assert.Equal(ids.Length, snapshot.LogicalCpuCount);
        Assert.Equal(ids, snapshot.CpuIds[..ids.Length]);
        Assert.Equal(ids[^1] / 100.0, snapshot.PerCpu[ids.Length - 1][CpuMode.User], 9);
    }

    [Fact]
    public void Guest_time_is_not_counted_twice()
    {
        // guest (9th) and guest_nice (10th) are already included in user and nice.
        var snapshot = Parse("cpu  100 50 0 0 0 0 0 0 40 20\n", perCpu: false);

        Assert.Equal(1.5, snapshot.CpuTotal.Total, 9);
    }

    [Fact]
    public void Old_kernel_without_steal_and_irq_columns_reads_missing_modes_as_zero()
    {
        var snapshot = Parse("cpu  100 0 50 1000\ncpu0 100 0 50 1000\n", perCpu: true);

        Assert.Equal(11.5, snapshot.CpuTotal.Total, 9);
        Assert.Equal(0, snapshot.CpuTotal[CpuMode.Steal]);
        Assert.Equal(1, snapshot.PerCpuCount);
    }

    [Fact]
    public void Garbage_is_rejected_without_throwing()
    {
        var snapshot = new HostSnapshot();
        Assert.False(ProcStatParser.Parse("cpu  x y z\nintr 1 2\n"u8, 100, snapshot, true));
        Assert.False(snapshot.HasCpu);
    }
}
