using Telemetry.Collector.Configuration;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Tests.Writing;

public sealed class WriteBufferPoolTests
{
    [Fact]
    public void After_a_burst_of_every_size_the_pool_keeps_no_more_than_its_bound()
    {
        var pool = WriteBufferPool.For(new InfluxDbOptions { BatchMaxBytes = 1024 * 1024, MaxConcurrentRequests = 2 });
        var random = new Random(6);
        var rented = new List<byte[]>();
        for (var i = 0; i < 500; i++)
        {
            rented.Add(pool.Rent(random.Next(1, 3 * 1024 * 1024)));
        }

        foreach (var array in rented)
        {
            pool.Return(array);
            Assert.True(pool.RetainedBytes <= pool.MaxRetainedBytes, $"{pool.RetainedBytes} retained, bound {pool.MaxRetainedBytes}");
        }

        Assert.Equal(4L * 1024 * 1024, pool.MaxRetainedBytes);
        Assert.True(pool.RetainedBytes > 0);
    }

    [Fact]
    public void A_returned_array_serves_the_next_rent_that_fits()
    {
        var pool = new WriteBufferPool(1 << 20, 1 << 22);
        var first = pool.Rent(100_000);
        pool.Return(first);

        Assert.Same(first, pool.Rent(70_000));
        Assert.Equal(0, pool.RetainedBytes);
    }

    [Fact]
    public void Arrays_longer_than_the_largest_batch_are_left_to_the_gc()
    {
        var pool = new WriteBufferPool(1 << 20, 1 << 22);
        var huge = pool.Rent((1 << 20) + 1);
        pool.Return(huge);

        Assert.Equal(0, pool.RetainedBytes);
        Assert.True(huge.Length > 1 << 20);
    }
}
