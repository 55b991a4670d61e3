using FsCheck;
using FsCheck.Xunit;
using Telemetry.Agent.HostMetrics;

namespace Telemetry.Agent.Tests.HostMetrics;

public class CpuUtilizationTests
{
    private static CpuTimes Times(params double[] seconds)
    {
        CpuTimes times = default;
        for (var i = 0; i < seconds.Length; i++)
        {
            times[i] = seconds[i];
        }

        return times;
    }

    [Fact]
    public void Shares_are_each_modes_part_of_the_elapsed_time()
    {
        var before = Times(100, 0, 50, 1000, 10, 0, 0, 0);
        var after = Times(130, 0, 60, 1058, 12, 0, 0, 0);
        CpuTimes utilization = default;

        Assert.True(CpuUtilization.TryCompute(before, after, ref utilization));

        Assert.Equal(0.30, utilization[CpuMode.User], 9);
        Assert.Equal(0.10, utilization[CpuMode.System], 9);
        Assert.Equal(0.58, utilization[CpuMode.Idle], 9);
        Assert.Equal(0.02, utilization[CpuMode.IoWait], 9);
    }

    [Fact]
    public void No_elapsed_time_gives_no_value()
    {
        var same = Times(1, 2, 3, 4);
        CpuTimes utilization = default;

        Assert.False(CpuUtilization.TryCompute(same, same, ref utilization));
    }

    [Fact]
    public void A_counter_going_backwards_gives_no_value()
    {
        CpuTimes utilization = default;

        Assert.False(CpuUtilization.TryCompute(Times(10, 0, 10, 100), Times(5, 0, 20, 200), ref utilization));
    }

    [Property]
    public bool Shares_are_between_zero_and_one_and_sum_to_one(NonNegativeInt[] start, NonNegativeInt[] increments)
    {
        var before = default(CpuTimes);
        var after = default(CpuTimes);
        for (var mode = 0; mode < CpuMode.Count; mode++)
        {
            before[mode] = mode < start.Length ? start[mode].Get : 0;
            after[mode] = before[mode] + (mode < increments.Length ? increments[mode].Get : 0);
        }

        CpuTimes utilization = default;
        if (!CpuUtilization.TryCompute(before, after, ref utilization))
        {
            return after.Total == before.Total;
        }

        double sum = 0;
        foreach (var share in utilization)
        {
            if (share is < 0 or > 1)
            {
                return false;
            }

            sum += share;
        }

        return Math.Abs(sum - 1) < 1e-9;
    }
}
