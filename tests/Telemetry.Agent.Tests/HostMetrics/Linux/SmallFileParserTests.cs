using Telemetry.Agent.HostMetrics.Linux;

namespace Telemetry.Agent.Tests.HostMetrics.Linux;

public class SmallFileParserTests
{
    [Fact]
    public void Load_average_reads_the_three_windows()
    {
        Assert.True(LoadAvgParser.Parse("2.88 0.83 0.28 4/101 19007\n"u8, out var load));

        Assert.Equal(2.88, load.OneMinute);
        Assert.Equal(0.83, load.FiveMinutes);
        Assert.Equal(0.28, load.FifteenMinutes);
    }

    [Fact]
    public void Truncated_load_average_is_rejected()
    {
        Assert.False(LoadAvgParser.Parse("2.88 0.83\n"u8, out _));
    }

    [Fact]
    public void Uptime_reads_seconds_since_boot()
    {
        Assert.True(UptimeParser.Parse("35091.93 69910.36\n"u8, out var seconds));
        Assert.Equal(35091.93, seconds);
    }

    [Fact]
    public void Own_cpu_ticks_are_found_after_a_command_name_with_spaces_and_parens()
    {
        var stat = "4242 (my (odd) agent) S 1 4242 4242 0 -1 4194560 1000 0 0 0 123 45 0 0 20 0 9 0 100 200000 3000\n"u8;

        Assert.True(ProcSelfParser.TryParseCpuTicks(stat, out var ticks));
        Assert.Equal(168, ticks);
    }

    [Fact]
    public void Own_resident_pages_are_the_second_statm_field()
    {
        Assert.True(ProcSelfParser.TryParseResidentPages("60000 1234 500 10 0 900 0\n"u8, out var pages));
        Assert.Equal(1234, pages);
    }
}
