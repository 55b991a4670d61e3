using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Google.Protobuf;
using Telemetry.Benchmarks.Mapping;
using Telemetry.TestKit;
using Telemetry.TestKit.InfluxDb;

namespace Telemetry.Benchmarks.Writing;

/// <summary>
/// <c>dotnet run -c Release --project tests/Telemetry.Benchmarks -- collector-stall [seconds] [records_per_s] [stall_at_s]
/// [stall_s] [--per-export=N] [--senders=N] [--influxdb-KEY=VALUE ...]</c> (defaults 150 s, 6,000 records/s, stall at
/// 30 s for 45 s, 2,048 records per Export as the agent batches them, 128 senders: 16 agents with
/// their default 8 Exports in flight).
/// <para>
/// What the collector's memory does when InfluxDB stalls (its rollup continuous queries hold writes for up to
/// 16 s a minute): senders at a steady rate into a collector (in this process, default configuration plus any
/// <c>--influxdb-KEY=VALUE</c>) writing to a private influxd, which is SIGSTOPped for <c>stall_s</c> and then
/// SIGCONTed. Each sender is like an agent: one Export in flight, records generated on schedule, an Export that is
/// refused (RESOURCE_EXHAUSTED/UNAVAILABLE) resent after the hinted delay with the same records, a backlog caught
/// up as fast as the collector answers. Every 3 s it prints the process's RSS, the GC heap and the large object
/// heap (after the last GC), the collector's queue gauges, and the Exports refused so far; at the end the
/// maxima, and whether every acknowledged record is in InfluxDB (exit 1 when not).
/// </para>
/// <para>
/// RSS is the whole process: the collector plus the senders (which hold no backlog: records are generated when
/// sent); the line before the first Export is the baseline. The collector's own GC settings
/// (<c>System.GC.LOHThreshold</c>, <c>System.GC.ConserveMemory</c> in its runtimeconfig) do not apply to this
/// process: give them as <c>DOTNET_GCLOHThreshold=0x100000 DOTNET_GCConserveMemory=7</c> to measure them.
/// </para>
/// </summary>
public static class CollectorStallCommand
{
    private const ulong FirstTime = 1_700_000_000_000_000_000;
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var positional = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
        var seconds = positional.Length > 0 ? positional[0] : 150;
        var rate = positional.Length > 1 ? positional[1] : 6000;
        var stallAt = positional.Length > 2 ? positional[2] : 30;
        var stallFor = positional.Length > 3 ? positional[3] : 45;
        var perExport = IntOption(args, "--per-export=", 2048);
        var senderCount = IntOption(args, "--senders=", 128);
        var influxKeys = args.Where(a => a.StartsWith("--influxdb-", StringComparison.Ordinal))
            .Select(a => a["--influxdb-".Length..].Split('=', 2)).ToList();
        var total = (long)seconds * rate / perExport * perExport;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"collector-stall: {total} records at {rate}/s for {seconds} s, {perExport} per Export, {senderCount} senders; influxd stopped at {stallAt} s for {stallFor} s; influxdb keys [{string.Join(", ", influxKeys.Select(k => k[0] + "=" + k[1]))}]; GC {GcSettings()}; load average {CollectorThroughputCommand.LoadAverage()}")).ConfigureAwait(false);

        await using var influx = await InfluxDbServer.StartNewAsync().ConfigureAwait(false);
        var db = await influx.CreateUniqueDatabaseAsync("stall").ConfigureAwait(false);
        using var dir = new TempDirectory("collector-stall");
        var extra = string.Concat(influxKeys.Select(k => $"  {k[0]}: {k[1]}\n"));
        var (app, uri) = await StartCollectorAsync(influx, db, dir, extra).ConfigureAwait(false);
        using var gauges = new QueueGauges();
        var clients = Enumerable.Range(0, senderCount).Select(_ => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { Timeout = TimeSpan.FromMinutes(5) }).ToArray();
        var stats = new SendStats();
        var peak = new Peak();
        try
        {
            await output.WriteLineAsync("baseline: " + Sample(TimeSpan.Zero, "idle", gauges, stats, peak: null)).ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            var exports = (int)(total / perExport);
            var interval = TimeSpan.FromSeconds((double)perExport / rate);
            var senders = clients.Select((client, s) => Task.Run(() => SendAsync(client, uri, s, senderCount, exports, perExport, interval, clock, stats))).ToArray();
            var all = Task.WhenAll(senders);
            var stalled = false;
            var resumed = false;
            var pid = influx.ProcessId ?? throw new InvalidOperationException("influxd is not running");
            try
            {
                while (!all.IsCompleted)
                {
                    await Task.WhenAny(all, Task.Delay(SampleEvery)).ConfigureAwait(false);
                    if (!stalled && clock.Elapsed >= TimeSpan.FromSeconds(stallAt))
                    {
                        Signal(pid, "STOP");
                        stalled = true;
                    }
                    else if (stalled && !resumed && clock.Elapsed >= TimeSpan.FromSeconds(stallAt + stallFor))
                    {
                        Signal(pid, "CONT");
                        resumed = true;
                    }

                    var phase = !stalled ? "steady" : !resumed ? "STALLED" : clock.Elapsed < TimeSpan.FromSeconds(seconds) ? "resumed" : "draining";
                    await output.WriteLineAsync(Sample(clock.Elapsed, phase, gauges, stats, peak)).ConfigureAwait(false);
                }
            }
            finally
            {
                if (stalled && !resumed)
                {
                    Signal(pid, "CONT");
                }
            }

            await all.ConfigureAwait(false);
            var elapsed = clock.Elapsed;
            var stored = await InfluxCeiling.CountAsync(influx, db, CancellationToken.None).ConfigureAwait(false);
            var acked = Interlocked.Read(ref stats.AckedRecords);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"done in {elapsed.TotalSeconds:F0} s: {acked} records acknowledged, {stored} in InfluxDB, lost {acked - stored}; Exports: {stats.Answered} answered OK, {stats.Refused} refused RESOURCE_EXHAUSTED, {stats.Unavailable} UNAVAILABLE; peak RSS {peak.Rss / 1e6:F0} MB, GC heap {peak.Heap / 1e6:F0} MB, LOH {peak.Loh / 1e6:F0} MB, queue {peak.QueueBytes / 1e6:F1} MB; load average {CollectorThroughputCommand.LoadAverage()}")).ConfigureAwait(false);
            return acked == total && stored == acked ? 0 : 1;
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One agent: Export <c>k</c> (of this sender) is due at <c>k * senders + s</c> intervals; it is sent
    /// when due or, when late, as soon as the previous one is answered, and resent until it is stored.</summary>
    private static async Task SendAsync(HttpClient client, Uri uri, int sender, int senders, int exports, int perExport, TimeSpan interval, Stopwatch clock, SendStats stats)
    {
        for (var index = sender; index < exports; index += senders)
        {
            var due = interval * index;
            if (clock.Elapsed < due)
            {
                await Task.Delay(due - clock.Elapsed).ConfigureAwait(false);
            }

            var frame = Frame(index, perExport);
            while (true)
            {
                var answer = await CollectorThroughputCommand.ExportAsync(client, uri, frame, gzip: true).ConfigureAwait(false);
                if (answer.Ok)
                {
                    Interlocked.Increment(ref stats.Answered);
                    Interlocked.Add(ref stats.AckedRecords, perExport - answer.Rejected);
                    break;
                }

                // RESOURCE_EXHAUSTED (8) or UNAVAILABLE (14): an agent backs off as hinted and resends.
                Interlocked.Increment(ref answer.GrpcStatus == "8" ? ref stats.Refused : ref stats.Unavailable);
                await Task.Delay(answer.RetryAfter ?? TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Export <paramref name="index"/>: the agent's attribute set, every record at its own nanosecond.</summary>
    private static byte[] Frame(int index, int perExport)
    {
        var request = DecodeMapEncodeBenchmark.BuildRequest(perExport, seed: index);
        var time = FirstTime + ((ulong)index * (ulong)perExport);
        foreach (var record in request.ResourceLogs[0].ScopeLogs[0].LogRecords)
        {
            record.TimeUnixNano = time++;
        }

        return CollectorThroughputCommand.GrpcFrame(request.ToByteArray(), gzip: true);
    }

    private static string Sample(TimeSpan at, string phase, QueueGauges gauges, SendStats stats, Peak? peak)
    {
        var info = GC.GetGCMemoryInfo();
        var heap = info.HeapSizeBytes;
        var loh = info.GenerationInfo.Length > 3 ? info.GenerationInfo[3].SizeAfterBytes : 0;
        var rss = Rss();
        var (points, bytes) = gauges.Read();
        if (peak is not null)
        {
            peak.Rss = Math.Max(peak.Rss, rss);
            peak.Heap = Math.Max(peak.Heap, heap);
            peak.Loh = Math.Max(peak.Loh, loh);
            peak.QueueBytes = Math.Max(peak.QueueBytes, bytes ?? 0);
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{at.TotalSeconds,5:F0} s {phase,-8} RSS {rss / 1e6,6:F1} MB  GC heap {heap / 1e6,6:F1} MB  LOH {loh / 1e6,6:F1} MB  committed {info.TotalCommittedBytes / 1e6,6:F1} MB  queue {points,7} points {(bytes is { } b ? (b / 1e6).ToString("F1", CultureInfo.InvariantCulture) + " MB" : "n/a"),8}  acked {Interlocked.Read(ref stats.AckedRecords),8}  refused {Interlocked.Read(ref stats.Refused),5}  unavailable {Interlocked.Read(ref stats.Unavailable),4}  load {CollectorThroughputCommand.LoadAverage()}");
    }

    private static long Rss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private static int IntOption(string[] args, string prefix, int fallback) =>
        args.FirstOrDefault(a => a.StartsWith(prefix, StringComparison.Ordinal)) is { } arg ? int.Parse(arg[prefix.Length..], CultureInfo.InvariantCulture) : fallback;

    /// <summary>The GC settings that bear on memory (LOH threshold, conserve memory, regions, concurrent).</summary>
    private static string GcSettings() => string.Join(", ", GC.GetConfigurationVariables()
        .Where(v => v.Key.Contains("LOH", StringComparison.OrdinalIgnoreCase) || v.Key.Contains("Conserve", StringComparison.OrdinalIgnoreCase)
            || v.Key.Contains("Concurrent", StringComparison.OrdinalIgnoreCase) || v.Key.Contains("Server", StringComparison.OrdinalIgnoreCase))
        .Select(v => v.Key + "=" + Convert.ToString(v.Value, CultureInfo.InvariantCulture)));

    private sealed class SendStats
    {
        public long Answered;
        public long AckedRecords;
        public long Refused;
        public long Unavailable;
    }

    private sealed class Peak
    {
        public long Rss;
        public long Heap;
        public long Loh;
        public long QueueBytes;
    }

    /// <summary>The write queue's gauges (<c>queue_bytes</c> only where the collector has it).</summary>
    private sealed class QueueGauges : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _points;
        private long? _bytes;

        public QueueGauges()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Telemetry.Collector" && instrument.Name is "telemetry.collector.write.queue_depth" or "telemetry.collector.write.queue_bytes")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                if (instrument.Name == "telemetry.collector.write.queue_bytes")
                {
                    _bytes = value;
                }
                else
                {
                    _points = value;
                }
            });
            _listener.Start();
        }

        public (long Points, long? Bytes) Read()
        {
            _listener.RecordObservableInstruments();
            return (_points, _bytes);
        }

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Starts a collector in this process (default configuration, self-metrics off, warnings only) writing to
    /// <paramref name="db"/>, with more <c>influxdb</c> keys in <paramref name="influxYaml"/> (indented by two
    /// spaces); returns it and the URI of its gRPC logs Export.</summary>
    private static async Task<(Microsoft.AspNetCore.Builder.WebApplication App, Uri Export)> StartCollectorAsync(InfluxDbServer influx, string db, TempDirectory dir, string influxYaml = "")
    {
        var grpc = FreePort.Get();
        var config = dir.Combine("collector.yaml");
        await File.WriteAllTextAsync(config, CollectorProcess.ConfigYaml(grpc, FreePort.Get(), influx.Url, db, influxYaml)).ConfigureAwait(false);
        var app = Telemetry.Collector.CollectorApp.Build(["--config", config]);
        await app.StartAsync().ConfigureAwait(false);
        return (app, new Uri($"http://127.0.0.1:{grpc}{CollectorThroughputCommand.ExportPath}"));
    }
}
