using Telemetry.Collector.Mapping;

namespace Telemetry.Collector.Tests.Mapping;

public sealed class HistogramPercentilesTests
{
    // bounds 0.1, 0.5, 1 -> buckets (-inf,0.1] (0.1,0.5] (0.5,1] (1,+inf) holding 10, 20, 30, 40 = 100.
    private static readonly double[] Bounds = [0.1, 0.5, 1];
    private static readonly ulong[] Counts = [10, 20, 30, 40];

    [Theory]
    [InlineData(0.5, 0.5 + (0.5 * 20 / 30))] // rank 50: 20 into the 30 of (0.5, 1]
    [InlineData(0.9, 1 + (1.0 * 30 / 40))]   // rank 90: 30 into the 40 of (1, max=2]
    [InlineData(0.99, 1 + (1.0 * 39 / 40))]  // rank 99: 39 into the 40 of (1, max=2]
    [InlineData(0.05, 0.05 + (0.05 * 5 / 10))] // rank 5: 5 into the 10 of [min=0.05, 0.1]
    public void Explicit_bucket_percentiles_interpolate_linearly_within_min_and_max(double q, double expected)
    {
        Assert.Equal(expected, HistogramPercentiles.Explicit(Bounds, Counts, 0.05, 2.0, q), 12);
    }

    [Fact]
    public void Without_min_the_first_bucket_starts_at_zero_and_without_max_the_overflow_bucket_is_its_lower_bound()
    {
        Assert.Equal(0.1 * 5 / 10, HistogramPercentiles.Explicit(Bounds, Counts, null, null, 0.05), 12);
        Assert.Equal(1.0, HistogramPercentiles.Explicit(Bounds, Counts, null, null, 0.99), 12);
    }

    [Fact]
    public void Estimates_never_leave_the_observed_range()
    {
        // All 4 observations were 0.3 exactly: min = max = 0.3.
        Assert.Equal(0.3, HistogramPercentiles.Explicit(Bounds, [0, 4, 0, 0], 0.3, 0.3, 0.5), 12);
    }

    [Fact]
    public void Empty_or_malformed_histograms_give_no_estimate()
    {
        Assert.True(double.IsNaN(HistogramPercentiles.Explicit(Bounds, [0, 0, 0, 0], null, null, 0.5)));
        Assert.True(double.IsNaN(HistogramPercentiles.Explicit(Bounds, [1, 2], null, null, 0.5)));
        Assert.True(double.IsNaN(HistogramPercentiles.Explicit([], [], null, null, 0.5)));
        Assert.True(double.IsNaN(HistogramPercentiles.Explicit([], [5], null, null, 0.5)));
        Assert.Equal(3.0, HistogramPercentiles.Explicit([], [5], 2.0, 4.0, 0.5), 12);
    }

    [Fact]
    public void Exponential_buckets_interpolate_over_powers_of_the_base()
    {
        // scale 0: base 2. positive offset 0: (1,2] holds 2, (2,4] holds 2; zero bucket holds 1.
        // rank 0.5*5 = 2.5: zero bucket takes 1, then 1.5 into the 2 of (1,2] -> 1 + 1*1.5/2 = 1.75.
        Assert.Equal(1.75, HistogramPercentiles.Exponential(0, 0, 1, 0, [2, 2], 0, [], null, null, 0.5), 12);
        // rank 0.9*5 = 4.5: 3 before (2,4], 1.5 into its 2 -> 2 + 2*1.5/2 = 3.5.
        Assert.Equal(3.5, HistogramPercentiles.Exponential(0, 0, 1, 0, [2, 2], 0, [], null, null, 0.9), 12);
    }

    [Fact]
    public void Exponential_negative_buckets_come_first_in_value_order()
    {
        // scale 1: base sqrt(2). negative index 0 is [-sqrt2, -1) holding 4; positive index 0 is (1, sqrt2] holding 4.
        // rank 0.25*8 = 2 -> halfway through the negative bucket: -sqrt2 + (sqrt2-1)*2/4.
        var expected = -Math.Sqrt(2) + ((Math.Sqrt(2) - 1) * 2 / 4);
        Assert.Equal(expected, HistogramPercentiles.Exponential(1, 0, 0, 0, [4], 0, [4], null, null, 0.25), 12);
    }
}
