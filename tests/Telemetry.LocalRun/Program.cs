using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using Telemetry.LocalRun;

// telemetry-localrun watch: progress of a running local pipeline, latency probes, and the closing summary.
// Used by scripts/run-local.sh and the latency benchmark; see docs/performance.md.
var options = WatchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(WatchOptions.Usage);
    return 2;
}

using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
var influx = new InfluxQueries(http, options.Influx, options.Database);
var start = DateTimeOffset.UtcNow;
var log = new AccessLogCounter(options.AccessLog);
log.Refresh();
var logStart = log.Lines;
var samplers = options.Processes.Select(p => new ProcessSampler(p.Name, p.Pid)).ToList();
var cpuStart = samplers.ToDictionary(s => s.Name, s => { s.Refresh(); return s.CpuSeconds; });
// RSS after the first minute and at the end: "memory flat" under sustained load means these stay close.
var rssAtOneMinute = new Dictionary<string, long>(StringComparer.Ordinal);

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
if (options.Duration > TimeSpan.Zero)
{
    stop.CancelAfter(options.Duration);
}

var probe = options.ProbeUrl is null && options.ProbeFile is null
    ? null
    : new LatencyProbe(http, influx, options.ProbeUrl, options.ProbeFile, options.RunId);
var probing = probe?.RunAsync(TimeSpan.FromMilliseconds(500), stop.Token) ?? Task.CompletedTask;
var since = InfluxQueries.Since(start.AddSeconds(-5));

long lastStored = 0;
var lastAt = DateTimeOffset.UtcNow;
async Task<(long Generated, long Stored)> ReportAsync()
{
    log.Refresh();
    samplers.ForEach(s => s.Refresh());
    var generated = log.Lines - logStart;
    var stored = await influx.CountAsync(since, CancellationToken.None).ConfigureAwait(false);
    var now = DateTimeOffset.UtcNow;
    var rate = (stored - lastStored) / Math.Max(0.001, (now - lastAt).TotalSeconds);
    (lastStored, lastAt) = (stored, now);
    if (now - start >= TimeSpan.FromMinutes(1))
    {
        samplers.ForEach(s => rssAtOneMinute.TryAdd(s.Name, s.RssBytes));
    }

    var p50 = probe is null ? double.NaN : LatencyProbe.Percentile(probe.Latencies, 50);
    var procs = string.Join(" ", samplers.Select(s => $"{s.Name}={s.RssBytes / 1048576.0:F0}MB"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"[{(now - start).TotalSeconds,5:F0}s] generated {generated,9}  stored {stored,9}  {rate,8:F0} points/s  lag {generated - stored,7}  latency p50 {p50,6:F0} ms  {procs}"));
    return (generated, stored);
}

try
{
    using var tick = new PeriodicTimer(TimeSpan.FromSeconds(options.ProgressSeconds));
    while (await tick.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
    {
        await ReportAsync().ConfigureAwait(false);
    }
}
catch (OperationCanceledException)
{
}

await probing.ConfigureAwait(false);

// Stop the load (Ctrl-C before its --duration) and let it write its summary before counting.
if (options.StopPid is int loadPid)
{
    await StopLoadGeneratorAsync(loadPid).ConfigureAwait(false);
}

// Drain: wait until everything the server logged is stored, or nothing moved for drain_seconds.
var (generatedTotal, storedTotal) = await ReportAsync().ConfigureAwait(false);
var lastChange = DateTimeOffset.UtcNow;
while (storedTotal < generatedTotal && DateTimeOffset.UtcNow - lastChange < TimeSpan.FromSeconds(options.DrainSeconds))
{
    await Task.Delay(1000).ConfigureAwait(false);
    var before = storedTotal;
    (generatedTotal, storedTotal) = await ReportAsync().ConfigureAwait(false);
    if (storedTotal != before)
    {
        lastChange = DateTimeOffset.UtcNow;
    }
}

var notProbe = $"{since} AND \"query\" !~ /(^|&)rid=probe-/";
var storedByClass = await influx.CountByAsync(notProbe, "status_class", CancellationToken.None).ConfigureAwait(false);
var expectedByClass = options.Expected is null ? null : ReadExpected(options.Expected);
var lost = Math.Max(0, generatedTotal - storedTotal);
var extra = Math.Max(0, storedTotal - generatedTotal);
IReadOnlyCollection<double> latencies = probe?.Latencies ?? Array.Empty<double>();

Console.WriteLine();
Console.WriteLine("== summary");
Console.WriteLine($"lines written by the web server: {generatedTotal}");
Console.WriteLine($"points stored in InfluxDB:       {storedTotal}");
Console.WriteLine($"lines lost:                      {lost}");
Console.WriteLine($"points without a line (dup):     {extra}");
Console.WriteLine("status class   generated   stored");
foreach (var cls in storedByClass.Keys.Union(expectedByClass?.Keys ?? Enumerable.Empty<string>()).Order(StringComparer.Ordinal))
{
    var expected = expectedByClass is null ? "-" : expectedByClass.GetValueOrDefault(cls).ToString(CultureInfo.InvariantCulture);
    Console.WriteLine($"{cls,-12} {expected,11} {storedByClass.GetValueOrDefault(cls),8}");
}

if (probe is not null)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"latency line appended -> point queryable ({latencies.Count} probes, {probe.Lost} not seen): p50 {LatencyProbe.Percentile(latencies, 50):F0} ms, p99 {LatencyProbe.Percentile(latencies, 99):F0} ms, max {(latencies.Count == 0 ? double.NaN : latencies.Max()):F0} ms"));
}

foreach (var s in samplers)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{s.Name}: {s.CpuSeconds - cpuStart[s.Name]:F1} CPU-seconds, peak RSS {s.PeakRssBytes / 1048576.0:F1} MB, RSS after 1 min {rssAtOneMinute.GetValueOrDefault(s.Name) / 1048576.0:F1} MB, at the end {s.RssBytes / 1048576.0:F1} MB"));
}

if (options.SummaryOut is not null)
{
    using var file = File.Create(options.SummaryOut);
    using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
    json.WriteStartObject();
    json.WriteNumber("generated", generatedTotal);
    json.WriteNumber("stored", storedTotal);
    json.WriteNumber("lost", lost);
    json.WriteNumber("duplicated", extra);
    json.WriteStartObject("stored_by_status_class");
    foreach (var (k, v) in storedByClass)
    {
        json.WriteNumber(k, v);
    }

    json.WriteEndObject();
    json.WriteNumber("probes", latencies.Count);
    json.WriteNumber("probes_not_seen", probe?.Lost ?? 0);
    if (latencies.Count > 0)
    {
        json.WriteNumber("latency_p50_ms", LatencyProbe.Percentile(latencies, 50));
        json.WriteNumber("latency_p99_ms", LatencyProbe.Percentile(latencies, 99));
        json.WriteNumber("latency_max_ms", latencies.Max());
    }

    foreach (var s in samplers)
    {
        json.WriteNumber($"{s.Name}_cpu_seconds", s.CpuSeconds - cpuStart[s.Name]);
        json.WriteNumber($"{s.Name}_peak_rss_bytes", s.PeakRssBytes);
        json.WriteNumber($"{s.Name}_rss_after_1min_bytes", rssAtOneMinute.GetValueOrDefault(s.Name));
        json.WriteNumber($"{s.Name}_rss_end_bytes", s.RssBytes);
    }

    json.WriteEndObject();
}

var mismatch = expectedByClass is not null
    && expectedByClass.Any(kv => storedByClass.GetValueOrDefault(kv.Key) != kv.Value);
return lost == 0 && extra == 0 && !mismatch ? 0 : 1;

static async Task StopLoadGeneratorAsync(int pid)
{
    if (!Directory.Exists($"/proc/{pid}"))
    {
        return;
    }

    using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)]))
    {
        await kill.WaitForExitAsync().ConfigureAwait(false);
    }

    for (var i = 0; i < 300 && Directory.Exists($"/proc/{pid}"); i++)
    {
        await Task.Delay(100).ConfigureAwait(false);
    }
}

// The load generator's JSON summary: its "status_class" object (or a plain {class: count} object).
static Dictionary<string, long>? ReadExpected(string path)
{
    JsonDocument doc;
    try
    {
        doc = JsonDocument.Parse(File.ReadAllBytes(path));
    }
    catch (Exception e) when (e is IOException or JsonException)
    {
        Console.WriteLine($"no load generator summary in {path}: {e.Message}");
        return null;
    }

    using var _ = doc;
    var classes = doc.RootElement.TryGetProperty("status_class", out var c) ? c : doc.RootElement;
    var result = new Dictionary<string, long>(StringComparer.Ordinal);
    foreach (var p in classes.EnumerateObject())
    {
        result[p.Name] = p.Value.GetInt64();
    }

    return result;
}
