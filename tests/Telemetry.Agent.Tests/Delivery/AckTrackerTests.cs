using FsCheck;
using FsCheck.Fluent;
using Telemetry.Agent.Delivery;

namespace Telemetry.Agent.Tests.Delivery;

public sealed class AckTrackerTests
{
    [Fact]
    public void Checkpoint_never_passes_an_unacknowledged_batch()
    {
        var acks = new AckTracker(0);
        acks.Register(1, 100);
        acks.Register(2, 200);
        acks.Register(3, 300);

        Assert.False(acks.Acknowledge(2, out var committed));
        Assert.Equal(0, committed);
        Assert.False(acks.Acknowledge(3, out committed));
        Assert.Equal(0, committed);
        Assert.True(acks.Acknowledge(1, out committed));
        Assert.Equal(300, committed);
        Assert.Equal(0, acks.Pending);
    }

    [Fact]
    public void Restart_after_truncation_commits_the_restart_point_for_old_batches()
    {
        var acks = new AckTracker(0);
        acks.Register(1, 500);
        acks.Restart(0);
        acks.Register(2, 40);
        Assert.True(acks.Acknowledge(1, out var committed));
        Assert.Equal(0, committed);
        Assert.True(acks.Acknowledge(2, out committed));
        Assert.Equal(40, committed);
    }

    [Fact]
    public void Committed_offset_is_the_end_of_the_first_gap_for_any_ack_order()
    {
        Prop.ForAll(
            Gen.Shuffle(Enumerable.Range(1, 30)).ToArbitrary(),
            order =>
            {
                var acks = new AckTracker(0);
                for (var b = 1; b <= 30; b++)
                {
                    acks.Register(b, b * 10L);
                }

                var acked = new HashSet<int>();
                foreach (var batch in order)
                {
                    acked.Add(batch);
                    acks.Acknowledge(batch, out var committed);
                    var firstGap = Enumerable.Range(1, 31).First(b => !acked.Contains(b));
                    if (committed != (firstGap - 1) * 10L)
                    {
                        return false;
                    }
                }

                return acks.Committed == 300;
            }).QuickCheckThrowOnFailure();
    }
}
