using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http;

namespace Telemetry.LocalRun;

/// <summary>
/// Measures end-to-end latency the way a user feels it: a request with a unique id goes to the web server,
/// which appends its access-log line; InfluxDB is then polled until the point with that id is queryable.
/// Probe requests carry the Host <see cref="VirtualHost"/>, so they are one small series (the <c>vhost</c> tag)
/// that the poll finds without scanning the load, and the per-class comparison can leave them out.
/// </summary>
internal sealed class LatencyProbe(HttpClient http, InfluxQueries influx, Uri target, string runId)
{
    public const string VirtualHost = "probe.localrun";

    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);
    private readonly ConcurrentQueue<double> _latencies = new();
    private int _sent;
    private int _failed;
    private int _notSeen;

    public int Sent => _sent;

    /// <summary>Probes the web server did not answer (its line may still have been written).</summary>
    public int Failed => _failed;

    /// <summary>Probes answered by the web server whose point was not queryable within 60 s.</summary>
    public int NotSeen => _notSeen;

    public IReadOnlyCollection<double> Latencies => _latencies;

    public async Task RunAsync(TimeSpan every, CancellationToken stop)
    {
        var pending = new List<Task>();
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                pending.Add(ProbeOnceAsync(Interlocked.Increment(ref _sent)));
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    private async Task ProbeOnceAsync(int n)
    {
        var rid = $"probe-{runId}-{n}";
        var clock = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(target, $"?rid={rid}"));
            request.Headers.Host = VirtualHost;
            using var response = await http.SendAsync(request).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Interlocked.Increment(ref _failed);
            return;
        }

        var where = $"\"vhost\" = '{VirtualHost}' AND \"query\" = 'rid={rid}'";
        while (clock.Elapsed < GiveUpAfter)
        {
            try
            {
                if (await influx.CountAsync(where, CancellationToken.None).ConfigureAwait(false) > 0)
                {
                    _latencies.Enqueue(clock.Elapsed.TotalMilliseconds);
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // InfluxDB busy: keep polling until the deadline.
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _notSeen);
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
