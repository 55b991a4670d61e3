namespace Telemetry.Collector.Mapping;

/// <summary>
/// Estimates quantiles from histogram buckets by linear interpolation inside the bucket that holds the
/// rank <c>q × count</c>, as Prometheus' <c>histogram_quantile</c> does, tightened by the data point's
/// <c>min</c>/<c>max</c> when sent: the first bucket starts at <c>min</c> (else at 0 when its upper bound is
/// positive), the overflow bucket ends at <c>max</c> (else the estimate is the last finite bound), and every
/// estimate lies within <c>[min, max]</c>. Returns NaN when there is nothing to estimate from (no counts,
/// malformed buckets), which the encoder does not write.
/// </summary>
public static class HistogramPercentiles
{
    /// <summary>Explicit-bounds histogram: bucket i is <c>(bounds[i-1], bounds[i]]</c>, with
    /// <c>counts.Length == bounds.Length + 1</c>.</summary>
    public static double Explicit(ReadOnlySpan<double> bounds, ReadOnlySpan<ulong> counts, double? min, double? max, double q)
    {
        if (counts.Length == 0 || counts.Length != bounds.Length + 1)
        {
            return double.NaN;
        }

        var buckets = new Bucket[counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            buckets[i] = new Bucket(
                i == 0 ? double.NegativeInfinity : bounds[i - 1],
                i == bounds.Length ? double.PositiveInfinity : bounds[i],
                counts[i]);
        }

        return Interpolate(buckets, min, max, q);
    }

    /// <summary>Exponential histogram: with <c>base = 2^(2^-scale)</c>, positive bucket index k is
    /// <c>(base^k, base^(k+1)]</c>, negative bucket index k is <c>[-base^(k+1), -base^k)</c>, and the zero bucket
    /// is <c>[-zeroThreshold, zeroThreshold]</c>.</summary>
    public static double Exponential(
        int scale,
        double zeroThreshold,
        ulong zeroCount,
        int positiveOffset,
        ReadOnlySpan<ulong> positive,
        int negativeOffset,
        ReadOnlySpan<ulong> negative,
        double? min,
        double? max,
        double q)
    {
        var buckets = new Bucket[negative.Length + 1 + positive.Length];
        var width = Math.Pow(2, -scale);
        var n = 0;
        for (var k = negative.Length - 1; k >= 0; k--)
        {
            var index = (double)negativeOffset + k;
            buckets[n++] = new Bucket(-Math.Pow(2, (index + 1) * width), -Math.Pow(2, index * width), negative[k]);
        }

        buckets[n++] = new Bucket(-Math.Abs(zeroThreshold), Math.Abs(zeroThreshold), zeroCount);
        for (var k = 0; k < positive.Length; k++)
        {
            var index = (double)positiveOffset + k;
            buckets[n++] = new Bucket(Math.Pow(2, index * width), Math.Pow(2, (index + 1) * width), positive[k]);
        }

        return Interpolate(buckets, min, max, q);
    }

    private static double Interpolate(ReadOnlySpan<Bucket> buckets, double? min, double? max, double q)
    {
        double total = 0;
        foreach (var b in buckets)
        {
            total += b.Count;
        }

        if (total <= 0 || q is < 0 or > 1 || double.IsNaN(q))
        {
            return double.NaN;
        }

        var rank = q * total;
        double cumulative = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            var count = (double)buckets[i].Count;
            if (count == 0)
            {
                continue;
            }

            if (cumulative + count >= rank)
            {
                var lower = buckets[i].Lower;
                var upper = buckets[i].Upper;
                if (double.IsNegativeInfinity(lower) && double.IsPositiveInfinity(upper) && (min is null || max is null))
                {
                    return double.NaN;
                }

                if (double.IsNegativeInfinity(lower))
                {
                    lower = min ?? (upper > 0 ? 0 : upper);
                }

                if (double.IsPositiveInfinity(upper))
                {
                    upper = max ?? lower;
                }

                if (min is { } mn)
                {
                    lower = Math.Max(lower, mn);
                    upper = Math.Max(upper, mn);
                }

                if (max is { } mx)
                {
                    lower = Math.Min(lower, mx);
                    upper = Math.Min(upper, mx);
                }

                return lower + ((upper - lower) * (rank - cumulative) / count);
            }

            cumulative += count;
        }

        return double.NaN;
    }

    private readonly record struct Bucket(double Lower, double Upper, ulong Count);
}
