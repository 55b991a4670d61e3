using System.Globalization;

namespace Telemetry.LocalRun;

/// <summary>
/// Counts the http_requests points stored so far without re-reading the whole run each time: a full
/// <c>count()</c> costs InfluxDB CPU in proportion to every point stored (about 4 CPU-seconds at 3.6 million
/// points), which every 10 s would be the watcher loading the server it measures. Points older than a
/// "settled" time are counted once and remembered; each call counts only the points since then, in 10 s
/// buckets. The settled time moves up to (a little before) an earlier call at which the pipeline had already
/// stored as many points as had then been written - the lines of that time are in InfluxDB. A point that still
/// arrives before the settled time is missing from the progress figures only; the closing count is a full one.
/// </summary>
internal sealed class StoredPointCounter(InfluxQueries influx, TimeProvider time, DateTimeOffset runStart)
{
    private static readonly TimeSpan Bucket = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);
    private readonly List<(DateTimeOffset At, long Written)> _marks = [];
    private long _settled;
    // Points with time < this are counted in _settled (the run's own lines are all later than its start).
    private long _settledUntilNs = FloorToBucketNs(runStart - TimeSpan.FromMinutes(1));

    /// <summary>Points stored; <paramref name="writtenNow"/> is the count of lines written at this moment.</summary>
    public async Task<long> CountAsync(long writtenNow, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var buckets = await BucketsAsync(ct).ConfigureAwait(false);
        var stored = _settled + buckets.Sum(b => b.Count);

        // The latest earlier moment whose written lines are all (by count) stored now.
        var settleAt = -1;
        for (var i = _marks.Count - 1; i >= 0; i--)
        {
            if (_marks[i].Written <= stored)
            {
                settleAt = i;
                break;
            }
        }

        if (settleAt >= 0)
        {
            var untilNs = FloorToBucketNs(_marks[settleAt].At - Margin);
            if (untilNs > _settledUntilNs)
            {
                _settled += buckets.Where(b => b.StartNs < untilNs).Sum(b => b.Count);
                _settledUntilNs = untilNs;
            }

            _marks.RemoveRange(0, settleAt + 1);
        }

        _marks.Add((now, writtenNow));
        return stored;
    }

    private async Task<List<(long StartNs, long Count)>> BucketsAsync(CancellationToken ct)
    {
        // Buckets start at multiples of 10 s, and so does the settled time: a bucket is either wholly
        // settled or wholly counted here.
        using var doc = await influx.QueryAsync(
            "SELECT count(\"status_code\") FROM \"http_requests\" WHERE time >= " + _settledUntilNs.ToString(CultureInfo.InvariantCulture)
            + " AND time < now() + 1m GROUP BY time(10s)", ct).ConfigureAwait(false);
        var result = new List<(long, long)>();
        foreach (var statement in doc.RootElement.GetProperty("results").EnumerateArray())
        {
            if (statement.TryGetProperty("error", out var error))
            {
                throw new InvalidOperationException("InfluxDB: " + error.GetString());
            }

            if (!statement.TryGetProperty("series", out var series))
            {
                continue;
            }

            foreach (var s in series.EnumerateArray())
            {
                foreach (var row in s.GetProperty("values").EnumerateArray())
                {
                    if (row[1].ValueKind == System.Text.Json.JsonValueKind.Number)
                    {
                        result.Add((row[0].GetInt64(), row[1].GetInt64()));
                    }
                }
            }
        }

        return result;
    }

    private static long FloorToBucketNs(DateTimeOffset t)
    {
        var ns = t.ToUnixTimeMilliseconds() * 1_000_000L;
        var bucketNs = Bucket.Ticks * 100;
        return ns / bucketNs * bucketNs;
    }
}
