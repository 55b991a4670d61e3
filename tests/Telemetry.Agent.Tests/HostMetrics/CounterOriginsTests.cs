using FsCheck;
using FsCheck.Xunit;
using Telemetry.Agent.HostMetrics;

namespace Telemetry.Agent.Tests.HostMetrics;

public class CounterOriginsTests
{
    [Fact]
    public void A_series_starts_at_zero_and_follows_the_raw_counter()
    {
        var origins = new CounterOrigins();

        Assert.Equal(0, origins.SinceStart("eth0", 0, 1_000_000L));
        Assert.Equal(500, origins.SinceStart("eth0", 0, 1_000_500L));
        Assert.Equal(0, origins.SinceStart("eth0", 1, 7L));
        Assert.Equal(0, origins.SinceStart("eth1", 0, 42L));
    }

    [Fact]
    public void A_counter_reset_keeps_the_series_growing()
    {
        var origins = new CounterOrigins();
        origins.SinceStart("eth0", 0, 1000L);
        origins.SinceStart("eth0", 0, 1500L); // 500 counted

        // Interface re-created: the kernel counter restarts from zero and has counted 200 since.
        Assert.Equal(700, origins.SinceStart("eth0", 0, 200L));
        Assert.Equal(800, origins.SinceStart("eth0", 0, 300L));
    }

    [Property]
    public bool Reported_values_never_decrease(NonNegativeInt[] raws)
    {
        var origins = new CounterOrigins();
        double previous = 0;
        foreach (var raw in raws)
        {
            var value = origins.SinceStart("x", 0, (double)raw.Get);
            if (value < previous)
            {
                return false;
            }

            previous = value;
        }

        return true;
    }
}
