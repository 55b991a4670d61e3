using System.Text;
using Telemetry.Agent.HostMetrics.Linux;

namespace Telemetry.Agent.Tests.HostMetrics.Linux;

public class MemInfoParserTests
{
    [Fact]
    public void States_are_defined_like_free_and_add_up_to_the_total()
    {
        Assert.True(MemInfoParser.Parse(Encoding.ASCII.GetBytes(ProcSamples.MemInfo), out var memory, out var paging));

        Assert.Equal(24683620L * 1024, memory.Total);
        Assert.Equal(24346724L * 1024, memory.Free);
        Assert.Equal(2928L * 1024, memory.Buffers);
        Assert.Equal((49280L + 173520L) * 1024, memory.Cached);
        Assert.Equal(memory.Total, memory.Used + memory.Free + memory.Buffers + memory.Cached);
        Assert.Equal(24331664L * 1024, memory.Available);
        Assert.Equal(2097148L * 1024, paging.Total);
        Assert.Equal(1048572L * 1024, paging.Free);
        Assert.Equal((2097148L - 1048572L) * 1024, paging.Used);
    }

    [Fact]
    public void Overlapping_cache_counters_fall_back_to_total_minus_free()
    {
        var text = "MemTotal: 1000 kB\nMemFree: 400 kB\nBuffers: 100 kB\nCached: 700 kB\n"u8;

        Assert.True(MemInfoParser.Parse(text, out var memory, out var paging));

        Assert.Equal(600 * 1024, memory.Used);
        Assert.Equal(0, memory.Cached);
        Assert.Equal(0, paging.Total);
        Assert.Equal(-1, memory.Available);
    }

    [Fact]
    public void Missing_totals_are_rejected()
    {
        Assert.False(MemInfoParser.Parse("Buffers: 1 kB\n"u8, out _, out _));
    }
}
