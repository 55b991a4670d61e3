using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http;

namespace Telemetry.LocalRun;

/// <summary>
/// Measures end-to-end latency the way a user feels it: a request with a unique id goes to the web server
/// (which appends its access-log line) - or, without a web server, the line is appended to the log in nginx's
/// "timed" format - then InfluxDB is polled until the point with that id is queryable.
/// </summary>
internal sealed class LatencyProbe(HttpClient http, InfluxQueries influx, Uri? target, string? appendTo, string runId)
{
    private readonly ConcurrentBag<double> _latencies = new();
    private int _sent;
    private int _lost;

    public int Sent => _sent;
    public int Lost => _lost;
    public IReadOnlyCollection<double> Latencies => _latencies;

    public async Task RunAsync(TimeSpan every, CancellationToken stop)
    {
        var pending = new List<Task>();
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                pending.Add(ProbeOnceAsync(Interlocked.Increment(ref _sent), CancellationToken.None));
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    private async Task ProbeOnceAsync(int n, CancellationToken ct)
    {
        var rid = $"probe-{runId}-{n}";
        var sentAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        if (appendTo is not null)
        {
            AppendLine(appendTo, rid, sentAt);
        }
        else
        {
            try
            {
                using var response = await http.GetAsync(new Uri(target!, $"?rid={rid}"), ct).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref _lost);
                return;
            }
        }

        var where = $"\"query\" =~ {InfluxQueries.RidRegex(rid)} AND {InfluxQueries.Since(sentAt.AddSeconds(-2))}";
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (await influx.CountAsync(where, ct).ConfigureAwait(false) > 0)
            {
                _latencies.Add(clock.Elapsed.TotalMilliseconds);
                return;
            }

            await Task.Delay(20, ct).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _lost);
    }

    // One write with O_APPEND: the line lands whole between the load generator's lines.
    private static void AppendLine(string path, string rid, DateTimeOffset at)
    {
        var time = at.ToString("dd/MMM/yyyy:HH:mm:ss +0000", System.Globalization.CultureInfo.InvariantCulture);
        var line = $"127.0.0.1 - - [{time}] \"GET /probe?rid={rid} HTTP/1.1\" 200 3 \"-\" \"telemetry-probe\" 0.000 {rid} localhost\n";
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        file.Write(System.Text.Encoding.UTF8.GetBytes(line));
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
