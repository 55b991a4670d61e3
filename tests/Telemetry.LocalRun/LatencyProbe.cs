using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;

namespace Telemetry.LocalRun;

/// <summary>
/// Measures end-to-end latency the way a user feels it: a request with a unique id goes to the web server,
/// which appends its access-log line; InfluxDB is then polled until the point with that id is queryable.
/// Probe requests carry the Host <see cref="VirtualHost"/>, so they are one small series (the <c>vhost</c> tag)
/// that the poll finds without scanning the load, and the per-class comparison can leave them out.
/// One poller asks for every outstanding probe at once, one query at a time, over the probes' own time range:
/// a query per probe every 20 ms piled up inside a busy InfluxDB (over a hundred at once) and, holding the
/// engine's read lock, kept its cache snapshots - and so the writes being measured - waiting.
/// </summary>
internal sealed class LatencyProbe(HttpClient http, InfluxQueries influx, Uri target, string runId)
{
    public const string VirtualHost = "probe.localrun";

    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(20);
    private readonly ConcurrentQueue<double> _latencies = new();
    private readonly ConcurrentDictionary<string, (Stopwatch Clock, DateTimeOffset SentAt)> _pending = new(StringComparer.Ordinal);
    private int _sent;
    private int _failed;
    private int _notSeen;
    private int _sending;

    public int Sent => _sent;

    /// <summary>Probes the web server did not answer (its line may still have been written).</summary>
    public int Failed => _failed;

    /// <summary>Probes answered by the web server whose point was not queryable within 60 s.</summary>
    public int NotSeen => _notSeen;

    public IReadOnlyCollection<double> Latencies => _latencies;

    public async Task RunAsync(TimeSpan every, CancellationToken stop)
    {
        var polling = PollAsync(stop);
        var sends = new List<Task>();
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                sends.Add(SendAsync(Interlocked.Increment(ref _sent)));
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(sends).ConfigureAwait(false);
        await polling.ConfigureAwait(false);
    }

    private async Task SendAsync(int n)
    {
        Interlocked.Increment(ref _sending);
        try
        {
            var rid = $"probe-{runId}-{n}";
            var sentAt = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            _pending[rid] = (clock, sentAt);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(target, $"?rid={rid}"));
                request.Headers.Host = VirtualHost;
                using var response = await http.SendAsync(request).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                _pending.TryRemove(rid, out _);
                Interlocked.Increment(ref _failed);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _sending);
        }
    }

    // Until the probing stops and no probe is outstanding: one query for all outstanding probes, then 20 ms.
    private async Task PollAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested || !_pending.IsEmpty || Volatile.Read(ref _sending) > 0)
        {
            if (!_pending.IsEmpty)
            {
                await PollOnceAsync().ConfigureAwait(false);
            }

            await Task.Delay(PollEvery, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task PollOnceAsync()
    {
        // The line's time is its logged second (never before the request was sent, allowing for rounding).
        var oldest = _pending.Values.Min(p => p.SentAt) - TimeSpan.FromSeconds(2);
        var q = $"SELECT \"query\" FROM \"http_requests\" WHERE \"vhost\" = '{VirtualHost}' AND time >= "
            + (oldest.ToUnixTimeMilliseconds() * 1_000_000L).ToString(CultureInfo.InvariantCulture);
        try
        {
            using var doc = await influx.QueryAsync(q, CancellationToken.None).ConfigureAwait(false);
            foreach (var statement in doc.RootElement.GetProperty("results").EnumerateArray())
            {
                if (!statement.TryGetProperty("series", out var series))
                {
                    continue;
                }

                foreach (var s in series.EnumerateArray())
                {
                    foreach (var row in s.GetProperty("values").EnumerateArray())
                    {
                        if (row[1].GetString() is { } query && query.StartsWith("rid=", StringComparison.Ordinal)
                            && _pending.TryRemove(query[4..], out var seen))
                        {
                            _latencies.Enqueue(seen.Clock.Elapsed.TotalMilliseconds);
                        }
                    }
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or KeyNotFoundException)
        {
            // InfluxDB busy: keep polling until the deadline.
        }

        foreach (var (rid, probe) in _pending)
        {
            if (probe.Clock.Elapsed >= GiveUpAfter && _pending.TryRemove(rid, out _))
            {
                Interlocked.Increment(ref _notSeen);
            }
        }
    }

    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
