using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using Telemetry.LocalRun;

// telemetry-localrun watch: progress of a running local pipeline, latency probes, and the closing summary.
// Used by scripts/run-local.sh and the pipeline benchmarks; see docs/performance.md.
WatchOptions? options;
try
{
    options = WatchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
{
    Console.Error.WriteLine("telemetry-localrun: " + e.Message);
    options = null;
}

if (options is null)
{
    Console.Error.WriteLine(WatchOptions.Usage);
    return 2;
}

var inv = CultureInfo.InvariantCulture;
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
var influx = new InfluxQueries(http, options.Influx, options.Database);
var start = DateTimeOffset.UtcNow;
var logs = options.AccessLogs.Select(p => new AccessLogCounter(p)).ToList();
var samplers = options.Processes.Select(p => new ProcessSampler(p.Name, p.Pid)).ToList();
var cpuStart = samplers.ToDictionary(s => s.Name, s => { s.Refresh(); return s.CpuSeconds; });
// RSS after the first minute and at the end: "memory flat" under sustained load means these stay close.
var rssAtOneMinute = new Dictionary<string, long>(StringComparer.Ordinal);
var rssSamples = samplers.ToDictionary(s => s.Name, _ => new List<long>(), StringComparer.Ordinal);
var cpuSamples = samplers.ToDictionary(s => s.Name, _ => new List<double>(), StringComparer.Ordinal);
var storedCounter = new StoredPointCounter(influx, TimeProvider.System, start);
var influxStats = new List<(double At, InfluxServerStats Stats)>();
if (await InfluxServerStats.ReadAsync(http, options.Influx, CancellationToken.None).ConfigureAwait(false) is { } initialStats)
{
    influxStats.Add((0, initialStats));
}
var nextRssAt = options.RssEverySeconds;

using var stop = new CancellationTokenSource();
using var skipWait = new CancellationTokenSource();
var interrupted = false;
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    if (!stop.IsCancellationRequested)
    {
        Console.WriteLine("== Ctrl-C: stopping the load, then waiting for the pipeline to catch up (Ctrl-C again: summary now)");
        interrupted = true;
        stop.Cancel();
    }
    else
    {
        Console.WriteLine("== Ctrl-C again: summary now, without waiting for the pipeline");
        skipWait.Cancel();
    }
};
if (options.Duration > TimeSpan.Zero)
{
    stop.CancelAfter(options.Duration);
}

var probe = options.ProbeUrl is null ? null : new LatencyProbe(http, influx, options.ProbeUrl, options.RunId);
// Probes start once the first point is stored: start-up (JIT, first connections, the agent's first scan) is
// reported on its own, and the latency figures are those of the running pipeline.
var probing = Task.CompletedTask;
double? firstStoredAfter = null;

long lastStored = 0, lastWritten = 0;
var lastAt = start;
string? died = null;
Console.WriteLine("  time   lines written   points stored   written/s   stored/s   behind   latency p50/p99       RSS (MB)");

async Task<(long Written, long Stored)> ReportAsync()
{
    logs.ForEach(l => l.Refresh());
    samplers.ForEach(s => s.Refresh());
    var written = logs.Sum(l => l.Lines);
    long stored;
    try
    {
        stored = await storedCounter.CountAsync(written, skipWait.Token).ConfigureAwait(false);
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
    {
        Console.WriteLine(skipWait.IsCancellationRequested ? "  (count skipped)" : $"  (InfluxDB did not answer the count: {e.Message})");
        stored = lastStored;
    }

    var now = DateTimeOffset.UtcNow;
    var elapsed = (now - start).TotalSeconds;
    var seconds = Math.Max(0.001, (now - lastAt).TotalSeconds);
    var storedRate = (stored - lastStored) / seconds;
    var writtenRate = (written - lastWritten) / seconds;
    (lastStored, lastWritten, lastAt) = (stored, written, now);
    if (now - start >= TimeSpan.FromMinutes(1))
    {
        samplers.ForEach(s => rssAtOneMinute.TryAdd(s.Name, s.RssBytes));
    }

    var latency = probe is null || probe.Latencies.Count == 0
        ? "-"
        : string.Create(inv, $"{LatencyProbe.Percentile(probe.Latencies, 50):F0}/{LatencyProbe.Percentile(probe.Latencies, 99):F0} ms");
    var rss = string.Join(" ", samplers.Select(s => string.Create(inv, $"{s.Name} {s.RssBytes / 1048576.0:F0}")));
    Console.WriteLine(string.Create(inv,
        $"{elapsed,5:F0}s  {written,14:N0}  {stored,14:N0}  {writtenRate,10:N0}  {storedRate,9:N0}  {written - stored,7:N0}   {latency,-18}  {rss}"));
    if (options.RssEverySeconds > 0 && elapsed >= nextRssAt)
    {
        nextRssAt += options.RssEverySeconds;
        foreach (var s in samplers)
        {
            rssSamples[s.Name].Add(s.RssBytes);
            cpuSamples[s.Name].Add(s.CpuSeconds - cpuStart[s.Name]);
        }

        Console.WriteLine("  memory at " + string.Create(inv, $"{elapsed:F0}s: ")
            + string.Join(", ", samplers.Select(s => string.Create(inv, $"{s.Name} RSS {s.RssBytes / 1048576.0:F1} MB (CPU {s.CpuSeconds - cpuStart[s.Name]:F1} s)"))));
        if (await InfluxServerStats.ReadAsync(http, options.Influx, skipWait.Token).ConfigureAwait(false) is { } stats)
        {
            if (influxStats.Count > 0)
            {
                var (at, b) = influxStats[^1];
                Console.WriteLine(string.Create(inv,
                    $"  influxd in the last {elapsed - at:F0} s: {stats.WriteRequests - b.WriteRequests:N0} writes ({stats.WriteTimeouts - b.WriteTimeouts} timed out, {stats.PointsWrittenFailed - b.PointsWrittenFailed:N0} points refused, {stats.ServerErrors - b.ServerErrors} HTTP 5xx), {stats.Queries - b.Queries:N0} queries ({stats.QuerySeconds - b.QuerySeconds:F1} s), continuous queries {stats.ContinuousQueriesOk - b.ContinuousQueriesOk} ok / {stats.ContinuousQueriesFailed - b.ContinuousQueriesFailed} failed, {stats.CacheSnapshots - b.CacheSnapshots} cache snapshots ({stats.CacheSnapshotSeconds - b.CacheSnapshotSeconds:F1} s), {stats.Compactions - b.Compactions} compactions ({stats.CompactionSeconds - b.CompactionSeconds:F1} s), cache {stats.CacheBytes / 1048576.0:F0} MB"));
            }

            influxStats.Add((elapsed, stats));
        }
    }

    died ??= samplers.FirstOrDefault(s => !s.Alive) is { } gone ? $"{gone.Name} (pid {gone.Pid})" : null;
    return (written, stored);
}

try
{
    using var tick = new PeriodicTimer(TimeSpan.FromSeconds(options.ProgressSeconds));
    while (await tick.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
    {
        var (_, storedNow) = await ReportAsync().ConfigureAwait(false);
        if (firstStoredAfter is null && storedNow > 0)
        {
            firstStoredAfter = (DateTimeOffset.UtcNow - start).TotalSeconds;
            Console.WriteLine(string.Create(inv, $"  first points stored {firstStoredAfter:F0} s after the load started") + (probe is null ? "" : "; latency probes start now (2 per second)"));
            probing = probe?.RunAsync(TimeSpan.FromMilliseconds(500), stop.Token) ?? Task.CompletedTask;
        }

        if (died is not null)
        {
            Console.WriteLine($"!! {died} has exited: stopping the run (no waiting for the pipeline to catch up)");
            await stop.CancelAsync().ConfigureAwait(false);
            await skipWait.CancelAsync().ConfigureAwait(false);
        }
    }
}
catch (OperationCanceledException)
{
}

var loadSeconds = (DateTimeOffset.UtcNow - start).TotalSeconds;

// Stop the load (Ctrl-C before its --duration) and let it write its summary before counting.
var stoppedEarly = false;
if (options.StopPid is int loadPid)
{
    // At the end of --duration the load generator ends by itself (same duration, started first): let it finish
    // its last requests and count them, rather than cut it off with requests in flight.
    for (var i = 0; i < 150 && !interrupted && died is null && IsRunning(loadPid); i++)
    {
        await Task.Delay(100).ConfigureAwait(false);
    }

    stoppedEarly = await StopLoadGeneratorAsync(loadPid).ConfigureAwait(false);
}

Console.WriteLine("== load stopped; waiting for the pipeline to catch up" + (probe is null ? "" : " and for the last probes"));
var (writtenTotal, storedTotal) = await ReportAsync().ConfigureAwait(false);
var behindAtStop = writtenTotal - storedTotal;
var drainStart = DateTimeOffset.UtcNow;
await Task.WhenAny(probing, Task.Delay(Timeout.Infinite, skipWait.Token).ContinueWith(_ => { }, TaskScheduler.Default)).ConfigureAwait(false);

// Drain: wait until everything written is stored, or nothing moved for drain_seconds.
(writtenTotal, storedTotal) = await ReportAsync().ConfigureAwait(false);
var lastChange = drainStart;
while (died is null && !skipWait.IsCancellationRequested && storedTotal < writtenTotal && DateTimeOffset.UtcNow - lastChange < TimeSpan.FromSeconds(options.DrainSeconds)
    && DateTimeOffset.UtcNow - drainStart < TimeSpan.FromSeconds(options.DrainMaxSeconds))
{
    await Task.Delay(TimeSpan.FromSeconds(Math.Min(options.ProgressSeconds, 5)), skipWait.Token).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
    var before = storedTotal;
    (writtenTotal, storedTotal) = await ReportAsync().ConfigureAwait(false);
    if (storedTotal != before)
    {
        lastChange = DateTimeOffset.UtcNow;
    }
}

var drainSeconds = (DateTimeOffset.UtcNow - drainStart).TotalSeconds;
var storedByClass = await RetryAsync(() => influx.CountByAsync($"\"vhost\" != '{LatencyProbe.VirtualHost}'", "status_class", CancellationToken.None)).ConfigureAwait(false);
storedTotal = (await RetryAsync(() => influx.CountByAsync(null, null, CancellationToken.None)).ConfigureAwait(false)).Values.Sum();
// Lines are counted after the points: a log that still grows can then only look "not stored", never duplicated.
logs.ForEach(l => l.Refresh());
if (logs.Sum(l => l.Lines) != writtenTotal)
{
    Console.WriteLine("  !! the access logs are still growing: the load did not stop (see --stop-pid)");
    writtenTotal = logs.Sum(l => l.Lines);
}

var expected = options.Expected is null ? null : ReadExpected(options.Expected);
var lost = Math.Max(0, writtenTotal - storedTotal);
var extra = Math.Max(0, storedTotal - writtenTotal);
IReadOnlyCollection<double> latencies = probe?.Latencies ?? Array.Empty<double>();
var classes = storedByClass.Keys.Union(expected?.Classes.Keys ?? Enumerable.Empty<string>()).Order(StringComparer.Ordinal).ToList();
var mismatched = expected is null
    ? []
    : classes.Where(c => storedByClass.GetValueOrDefault(c) != expected.Classes.GetValueOrDefault(c)).ToList();
var classDifference = expected is null ? 0 : classes.Sum(c => storedByClass.GetValueOrDefault(c) - expected.Classes.GetValueOrDefault(c));
// A request the load generator gave up on (timeout, reset) is a transport error in its report, with no status:
// the web server may still have answered and logged it. Only that many more stored lines are explained.
var inFlightExplained = mismatched.Count > 0 && classDifference > 0 && classDifference <= expected!.TransportErrors
    && classes.All(c => storedByClass.GetValueOrDefault(c) >= expected!.Classes.GetValueOrDefault(c));

Console.WriteLine();
Console.WriteLine(string.Create(inv, $"== summary ({loadSeconds:F0} s of load)"));
Console.WriteLine(string.Create(inv, $"  lines written to the access logs {writtenTotal,12:N0}")
    + (probe is null ? "" : string.Create(inv, $"   (including {probe.Sent - probe.Failed:N0} latency probe lines)")));
Console.WriteLine(string.Create(inv, $"  points stored in InfluxDB        {storedTotal,12:N0}   ({storedTotal / Math.Max(1, loadSeconds):N0}/s on average)"));
Console.WriteLine(string.Create(inv, $"  lost (written, not stored)       {lost,12:N0}"));
Console.WriteLine(string.Create(inv, $"  duplicated (stored, not written) {extra,12:N0}"));
Console.WriteLine(expected is null ? "  status class       stored" : "  status class   load generator       stored");
foreach (var cls in classes)
{
    var stored = storedByClass.GetValueOrDefault(cls);
    Console.WriteLine(expected is null
        ? string.Create(inv, $"  {cls,-12} {stored,12:N0}")
        : string.Create(inv, $"  {cls,-12} {expected.Classes.GetValueOrDefault(cls),16:N0} {stored,12:N0}{(mismatched.Contains(cls) ? "   <- differs" : "")}"));
}

if (expected is not null && expected.TransportErrors > 0)
{
    Console.WriteLine(string.Create(inv, $"  requests the web server did not answer (load generator): {expected.TransportErrors:N0}"));
}

Console.WriteLine(string.Create(inv, $"  behind when the load stopped     {behindAtStop,12:N0}   ")
    + (storedTotal >= writtenTotal
        ? string.Create(inv, $"(caught up {drainSeconds:F0} s later)")
        : string.Create(inv, $"(still {writtenTotal - storedTotal:N0} behind when the watcher gave up {drainSeconds:F0} s later: see --drain, --drain-max)")));
Console.WriteLine(firstStoredAfter is null
    ? "  first points stored: never"
    : string.Create(inv, $"  first points stored {firstStoredAfter:F0} s after the load started (start-up, not in the latency figures)"));
if (probe is not null)
{
    Console.WriteLine(string.Create(inv,
        $"  latency, line appended -> point queryable: p50 {LatencyProbe.Percentile(latencies, 50):F0} ms, p99 {LatencyProbe.Percentile(latencies, 99):F0} ms, max {(latencies.Count == 0 ? double.NaN : latencies.Max()):F0} ms ({latencies.Count} probes; {probe.NotSeen} not seen within 60 s, {probe.Failed} not answered by the web server)"));
}

Console.WriteLine("  process       CPU-seconds   CPU %   peak RSS   RSS after 1 min   RSS at end");
foreach (var s in samplers)
{
    var cpu = s.CpuSeconds - cpuStart[s.Name];
    var oneMinute = rssAtOneMinute.TryGetValue(s.Name, out var m) ? string.Create(inv, $"{m / 1048576.0:F1} MB") : "-";
    Console.WriteLine(string.Create(inv,
        $"  {s.Name,-12} {cpu,12:F1} {100 * cpu / Math.Max(1, loadSeconds),7:F0} {s.PeakRssBytes / 1048576.0,7:F1} MB {oneMinute,17} {s.RssBytes / 1048576.0,9:F1} MB"));
}

var failures = new List<string>();
if (died is not null)
{
    failures.Add($"{died} exited during the run");
}

if (lost > 0)
{
    failures.Add(string.Create(inv, $"{lost:N0} lines not stored"));
}

if (extra > 0)
{
    failures.Add(string.Create(inv, $"{extra:N0} points without a line"));
}

if (inFlightExplained)
{
    Console.WriteLine(string.Create(inv, $"  {classDifference} requests the load generator gave up on (its transport_errors: {expected!.TransportErrors}) were still answered and logged by the web server; every logged line was stored"));
}
else if (mismatched.Count > 0)
{
    failures.Add("status classes differ from the load generator's: " + string.Join(", ", mismatched));
}

if (expected is null && options.Expected is not null)
{
    failures.Add("no load generator summary to compare the status classes with");
}

if (probe is not null && probe.NotSeen > 0)
{
    failures.Add($"{probe.NotSeen} latency probes never became queryable");
}

Console.WriteLine(failures.Count == 0 ? "  result: PASS" : "  result: FAIL - " + string.Join("; ", failures));

if (options.SummaryOut is not null)
{
    WriteSummary(options.SummaryOut);
}

return died is not null ? 3 : failures.Count == 0 ? 0 : 1;

void WriteSummary(string path)
{
    using var file = File.Create(path);
    using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
    json.WriteStartObject();
    json.WriteNumber("load_seconds", Math.Round(loadSeconds, 1));
    json.WriteNumber("generated", writtenTotal);
    json.WriteNumber("stored", storedTotal);
    json.WriteNumber("lost", lost);
    json.WriteNumber("duplicated", extra);
    json.WriteNumber("behind_at_stop", behindAtStop);
    json.WriteNumber("drain_seconds", Math.Round(drainSeconds, 1));
    json.WriteBoolean("classes_match", expected is not null && mismatched.Count == 0);
    json.WriteBoolean("load_stopped_early", stoppedEarly);
    json.WriteBoolean("classes_differ_by_requests_the_client_gave_up_on", inFlightExplained);
    json.WriteStartObject("stored_by_status_class");
    foreach (var (k, v) in storedByClass)
    {
        json.WriteNumber(k, v);
    }

    json.WriteEndObject();
    if (firstStoredAfter is double first)
    {
        json.WriteNumber("first_stored_after_seconds", Math.Round(first, 1));
    }

    json.WriteNumber("probes", latencies.Count);
    json.WriteNumber("probes_not_seen", probe?.NotSeen ?? 0);
    json.WriteNumber("probes_not_answered", probe?.Failed ?? 0);
    if (latencies.Count > 0)
    {
        json.WriteNumber("latency_p50_ms", Math.Round(LatencyProbe.Percentile(latencies, 50), 1));
        json.WriteNumber("latency_p99_ms", Math.Round(LatencyProbe.Percentile(latencies, 99), 1));
        json.WriteNumber("latency_max_ms", Math.Round(latencies.Max(), 1));
    }

    foreach (var s in samplers)
    {
        json.WriteNumber($"{s.Name}_cpu_seconds", Math.Round(s.CpuSeconds - cpuStart[s.Name], 2));
        json.WriteNumber($"{s.Name}_peak_rss_bytes", s.PeakRssBytes);
        json.WriteNumber($"{s.Name}_rss_after_1min_bytes", rssAtOneMinute.GetValueOrDefault(s.Name));
        json.WriteNumber($"{s.Name}_rss_end_bytes", s.RssBytes);
        if (options.RssEverySeconds > 0)
        {
            json.WriteStartArray($"{s.Name}_rss_samples_bytes");
            foreach (var v in rssSamples[s.Name])
            {
                json.WriteNumberValue(v);
            }

            json.WriteEndArray();
            json.WriteStartArray($"{s.Name}_cpu_samples_seconds");
            foreach (var v in cpuSamples[s.Name])
            {
                json.WriteNumberValue(Math.Round(v, 2));
            }

            json.WriteEndArray();
        }
    }

    if (influxStats.Count > 0)
    {
        // Counters since influxd started, at the start and at each --rss-every sample.
        json.WriteStartArray("influxd_stats");
        foreach (var (at, st) in influxStats)
        {
            json.WriteStartObject();
            json.WriteNumber("at_seconds", Math.Round(at, 1));
            json.WriteNumber("write_requests", st.WriteRequests);
            json.WriteNumber("write_timeouts", st.WriteTimeouts);
            json.WriteNumber("points_write_failed", st.PointsWrittenFailed);
            json.WriteNumber("http_server_errors", st.ServerErrors);
            json.WriteNumber("queries", st.Queries);
            json.WriteNumber("query_seconds", Math.Round(st.QuerySeconds, 2));
            json.WriteNumber("continuous_queries_ok", st.ContinuousQueriesOk);
            json.WriteNumber("continuous_queries_failed", st.ContinuousQueriesFailed);
            json.WriteNumber("cache_snapshots", st.CacheSnapshots);
            json.WriteNumber("cache_snapshot_seconds", Math.Round(st.CacheSnapshotSeconds, 2));
            json.WriteNumber("compactions", st.Compactions);
            json.WriteNumber("compaction_seconds", Math.Round(st.CompactionSeconds, 2));
            json.WriteNumber("cache_bytes", st.CacheBytes);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    json.WriteEndObject();
}

// The closing counts must not fail because InfluxDB is slow to answer on a busy machine.
static async Task<Dictionary<string, long>> RetryAsync(Func<Task<Dictionary<string, long>>> query)
{
    for (var attempt = 1; ; attempt++)
    {
        try
        {
            return await query().ConfigureAwait(false);
        }
        catch (Exception e) when (attempt < 5 && e is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"  (InfluxDB did not answer the closing count, attempt {attempt} of 5: {e.Message})");
            await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
    }
}

// True when it was still running (stopped before its --duration).
static async Task<bool> StopLoadGeneratorAsync(int pid)
{
    if (!IsRunning(pid))
    {
        return false;
    }

    // SIGTERM, not SIGINT: a command the shell starts in the background ignores SIGINT. The load generator
    // stops on either and still prints its summary.
    using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]))
    {
        await kill.WaitForExitAsync().ConfigureAwait(false);
    }

    // It is the shell's child: once it has exited it stays a zombie until the shell reaps it.
    for (var i = 0; i < 300 && IsRunning(pid); i++)
    {
        await Task.Delay(100).ConfigureAwait(false);
    }

    return true;
}

static bool IsRunning(int pid)
{
    try
    {
        return !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
    }
    catch (IOException)
    {
        return false;
    }
}

// The load generator's JSON summary: its "status_class" object (or a plain {class: count} object).
static ExpectedCounts? ReadExpected(string path)
{
    JsonDocument doc;
    try
    {
        doc = JsonDocument.Parse(File.ReadAllBytes(path));
    }
    catch (Exception e) when (e is IOException or JsonException)
    {
        Console.WriteLine($"  no load generator summary in {path}: {e.Message}");
        return null;
    }

    using var _ = doc;
    var classes = doc.RootElement.TryGetProperty("status_class", out var c) ? c : doc.RootElement;
    var result = new Dictionary<string, long>(StringComparer.Ordinal);
    foreach (var p in classes.EnumerateObject())
    {
        result[p.Name] = p.Value.GetInt64();
    }

    var errors = doc.RootElement.TryGetProperty("transport_errors", out var t) ? t.GetInt64() : 0;
    return new ExpectedCounts(result, errors);
}

internal sealed record ExpectedCounts(Dictionary<string, long> Classes, long TransportErrors);
