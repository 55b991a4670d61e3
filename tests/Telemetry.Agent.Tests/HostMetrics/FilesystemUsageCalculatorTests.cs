using Telemetry.Agent.HostMetrics;

namespace Telemetry.Agent.Tests.HostMetrics;

public class FilesystemUsageCalculatorTests
{
    [Fact]
    public void Statvfs_counts_become_df_figures_with_the_root_reserve_apart()
    {
        // 1000 blocks of 4 KiB, 300 free of which 250 available to users.
        var usage = FilesystemUsageCalculator.FromStatVfs(1000, 300, 250, 4096);

        Assert.Equal(1000 * 4096, usage.Total);
        Assert.Equal(700 * 4096, usage.Used);
        Assert.Equal(250 * 4096, usage.Free);
        Assert.Equal(50 * 4096, usage.Reserved);
        Assert.Equal(usage.Total, usage.Used + usage.Free + usage.Reserved);
        Assert.Equal(0.7, usage.Utilization, 9);
    }

    [Fact]
    public void Available_above_free_is_clamped_so_states_never_go_negative()
    {
        var usage = FilesystemUsageCalculator.FromStatVfs(100, 10, 20, 1);

        Assert.Equal(0, usage.Reserved);
        Assert.Equal(10, usage.Free);
    }
}
