using Microsoft.Extensions.Time.Testing;
using Telemetry.Collector.Pipeline;

namespace Telemetry.Collector.Tests.Pipeline;

public sealed class RefusalLogThrottleTests
{
    [Fact]
    public void A_thousand_refusals_in_ten_seconds_make_one_line_and_the_next_line_carries_their_count()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var throttle = new RefusalLogThrottle(time, TimeSpan.FromSeconds(10));
        var lines = new List<long>();

        for (var i = 0; i < 1000; i++)
        {
            if (throttle.Count(out var count))
            {
                lines.Add(count);
            }

            time.Advance(TimeSpan.FromMilliseconds(9));
        }

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(throttle.Count(out var next));

        Assert.Equal([1L], lines);
        Assert.Equal(1000, next);
    }
}
