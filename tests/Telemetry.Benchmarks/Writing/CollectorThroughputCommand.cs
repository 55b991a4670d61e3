using System.Buffers.Binary;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using Telemetry.Benchmarks.Mapping;
using Telemetry.Collector;
using Telemetry.Collector.Configuration;
using Telemetry.Collector.Enrichment;
using Telemetry.Collector.Mapping;
using Telemetry.TestKit;
using Telemetry.TestKit.InfluxDb;

namespace Telemetry.Benchmarks.Writing;

/// <summary>
/// <c>dotnet run -c Release --project tests/Telemetry.Benchmarks -- collector-throughput [records] [per_export] [in_flight] [--no-gzip]
/// [--influxd-cpus=LIST --own-cpus=LIST]</c> (defaults 1,000,000 records, 2048 per Export, 16 in flight)
/// <para>
/// By default influxd, the senders and the collector share every CPU, so each CPU-second the collector spends is taken
/// from influxd. With <c>--influxd-cpus=0 --own-cpus=1</c> (taskset lists) influxd runs on its own CPUs, as it does in
/// a deployment where InfluxDB has its own host, and the ratio says whether the collector can keep it saturated.
/// </para>
/// <para>
/// One private influxd, three measurements of the same points, each into its own fresh database:
/// </para>
/// <list type="number">
/// <item>InfluxDB's ceiling, before and after the collector run (the collector is compared with their mean):
/// the exact line protocol the collector produces for these records (mapped beforehand by the collector's own
/// <see cref="LogsMapper"/>), cut into batches of the writer's <c>batch_max_points</c>, gzipped like the writer
/// does, posted straight to <c>/write</c> over <c>max_concurrent_requests</c> connections. Nothing but InfluxDB
/// is timed.</item>
/// <item>End to end: the same records as OTLP/gRPC <c>Export</c> calls of <c>per_export</c> records
/// (pre-encoded, gzip like the agent's default), <c>in_flight</c> senders each on its own HTTP/2
/// connection with one Export outstanding (like that many agents), through the collector (in this
/// process, default configuration) into InfluxDB, after warm-up passes that last until tiered compilation has
/// stopped promoting methods. Timed from the first Export to the last OK, which the collector only gives once
/// the points are stored.</item>
/// </list>
/// Every run is checked with <c>count()</c>: every point stored exactly once. Prints the figures and
/// the ratio; exits 1 when a count is off.
/// </summary>
public static class CollectorThroughputCommand
{
    private const string ExportPath = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";
    private const ulong MeasuredTime = 1_700_000_000_000_000_000;
    private const ulong WarmUpTime = 1_690_000_000_000_000_000;
    private const int WarmUpRecords = 30_000;
    private const int SteadyWarmUpRecords = 100_000;
    private const int MaxWarmUpPasses = 12;

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var positional = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var records = positional.Length > 0 ? int.Parse(positional[0], CultureInfo.InvariantCulture) : 1_000_000;
        var perExport = positional.Length > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : 2048;
        var inFlight = positional.Length > 2 ? int.Parse(positional[2], CultureInfo.InvariantCulture) : 16;
        var gzip = !args.Contains("--no-gzip");
        var influxdCpus = OptionValue(args, "--influxd-cpus=");
        var ownCpus = OptionValue(args, "--own-cpus=");
        var writer = new InfluxDbOptions();

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"collector-throughput: {records} access-log records, {perExport} per Export, {inFlight} Exports in flight, OTLP gzip {gzip}; writer batch {writer.BatchMaxPoints}, {writer.MaxConcurrentRequests} requests, gzip {writer.Gzip}; load average {LoadAverage()}")).ConfigureAwait(false);

        var (exportBodies, lines, points) = BuildExports(records, perExport, MeasuredTime, gzip);

        // Warm-up records (in both runs, into the same database, in an earlier week: another shard, left
        // out of the count): small Exports, so per-request code is called often enough to be promoted by
        // tiered compilation too.
        var (warmBodies, warmLines, _) = BuildExports(WarmUpRecords, 250, WarmUpTime, gzip);
        var (steadyBodies, _, _) = BuildExports(SteadyWarmUpRecords, perExport, WarmUpTime, gzip);

        await using var influx = await InfluxDbServer.StartNewAsync().ConfigureAwait(false);
        if (influxdCpus is not null)
        {
            await PinAsync(influx.ProcessId ?? throw new InvalidOperationException("influxd is not running"), influxdCpus, output).ConfigureAwait(false);
        }

        if (ownCpus is not null)
        {
            await PinAsync(Environment.ProcessId, ownCpus, output).ConfigureAwait(false);
        }

        // The ceiling is measured before AND after the collector, each into a fresh database, and the collector
        // is compared with their mean: on a shared machine the load drifts over minutes, and a single ceiling
        // measured first would credit or blame the collector for that drift.
        var batches = Rebatch(lines, writer.BatchMaxPoints);
        var warmBatches = Rebatch(warmLines, writer.BatchMaxPoints);
        var before = await MeasureCeilingAsync(influx, warmBatches, batches, writer, "before").ConfigureAwait(false);
        await output.WriteLineAsync("InfluxDB ceiling before: " + before).ConfigureAwait(false);

        var collector = await MeasureCollectorAsync(influx, warmBodies, steadyBodies, exportBodies, points, inFlight, gzip, output).ConfigureAwait(false);
        await output.WriteLineAsync("collector end to end: " + collector).ConfigureAwait(false);

        await WaitForInfluxIdleAsync(influx).ConfigureAwait(false);
        var after = await MeasureCeilingAsync(influx, warmBatches, batches, writer, "after").ConfigureAwait(false);
        await output.WriteLineAsync("InfluxDB ceiling after: " + after).ConfigureAwait(false);

        var ceiling = (before.PointsPerSecond + after.PointsPerSecond) / 2;
        var ratio = collector.PointsPerSecond / ceiling;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"ratio: collector / mean ceiling ({ceiling:F0} points/s) = {ratio:P1} (target >= 90 %; against the ceiling before {collector.PointsPerSecond / before.PointsPerSecond:P1}, after {collector.PointsPerSecond / after.PointsPerSecond:P1}); influxd CPU per point: ceiling {before.InfluxCpu.TotalMilliseconds * 1000 / points:F1}/{after.InfluxCpu.TotalMilliseconds * 1000 / points:F1} µs, collector run {collector.InfluxCpu.TotalMilliseconds * 1000 / points:F1} µs; load average {LoadAverage()}")).ConfigureAwait(false);

        var ok = before.Stored == points && after.Stored == points && collector.Stored == points && collector.RejectedRecords == 0;
        if (!ok)
        {
            await output.WriteLineAsync($"MISMATCH: {points} points, ceiling stored {before.Stored}/{after.Stored}, collector stored {collector.Stored}, rejected {collector.RejectedRecords}").ConfigureAwait(false);
        }

        return ok ? 0 : 1;
    }

    /// <summary>One ceiling measurement into a fresh database: the warm-up points first (an earlier shard, not
    /// counted), an idle wait, then the timed points.</summary>
    private static async Task<CeilingResult> MeasureCeilingAsync(InfluxDbServer influx, List<byte[]> warmUp, List<byte[]> batches, InfluxDbOptions writer, string name)
    {
        var db = await influx.CreateUniqueDatabaseAsync("ceiling_" + name).ConfigureAwait(false);
        await InfluxCeiling.MeasureLinesAsync(influx, warmUp, writer.MaxConcurrentRequests, writer.Gzip, db).ConfigureAwait(false);
        await WaitForInfluxIdleAsync(influx).ConfigureAwait(false);
        return await InfluxCeiling.MeasureLinesAsync(influx, batches, writer.MaxConcurrentRequests, writer.Gzip, db, (long)MeasuredTime).ConfigureAwait(false);
    }

    /// <summary>Waits (at most 60 s) until no method has been compiled for a second: tiered compilation
    /// promotes hot methods in the background after the warm-up traffic.</summary>
    private static async Task WaitForJitIdleAsync()
    {
        var last = System.Runtime.JitInfo.GetCompiledMethodCount();
        for (var i = 0; i < 60; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now == last)
            {
                return;
            }

            last = now;
        }
    }

    /// <summary>Waits (at most 60 s) until influxd has used under 5 % of a core for two seconds in a row:
    /// the previous run's cache snapshots and compactions must not be billed to the next one.</summary>
    private static async Task WaitForInfluxIdleAsync(InfluxDbServer influx)
    {
        var quiet = 0;
        var last = influx.ProcessorTime;
        for (var i = 0; i < 60 && quiet < 2; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            var now = influx.ProcessorTime;
            quiet = now - last < TimeSpan.FromMilliseconds(50) ? quiet + 1 : 0;
            last = now;
        }
    }

    /// <summary>The machine's 1/5/15-minute load average (Linux), to print beside every figure.</summary>
    private static string? OptionValue(string[] args, string prefix) =>
        args.FirstOrDefault(a => a.StartsWith(prefix, StringComparison.Ordinal)) is { } arg ? arg[prefix.Length..] : null;

    /// <summary>Pins every thread of a process (and so the threads it creates later) to a CPU list with taskset.</summary>
    private static async Task PinAsync(int pid, string cpus, TextWriter output)
    {
        using var taskset = Process.Start(new ProcessStartInfo("taskset")
        {
            ArgumentList = { "-a", "-cp", cpus, pid.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("taskset did not start");
        await taskset.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await taskset.WaitForExitAsync().ConfigureAwait(false);
        if (taskset.ExitCode != 0)
        {
            throw new InvalidOperationException($"taskset -a -cp {cpus} {pid} failed with exit code {taskset.ExitCode}");
        }

        await output.WriteLineAsync($"pinned process {pid} to CPUs {cpus}").ConfigureAwait(false);
    }

    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join(' ', parts.Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    /// <summary>The Exports as gRPC frames, and the collector's own line protocol for all of them (default
    /// limits and enrichment, as the collector under test runs), built one Export at a time so that a run of
    /// millions of records does not hold millions of message objects.</summary>
    private static (List<byte[]> Frames, byte[] Lines, int Points) BuildExports(int records, int perExport, ulong firstTime, bool gzip)
    {
        var limits = new LimitsOptions();
        var enrichment = new EnrichmentOptions();
        var mapper = new LogsMapper(limits, new RouteTemplater(enrichment.MaxRoutes, enrichment.RouteRules), new StaticTags(enrichment.StaticTags));
        using var session = new MappingSession(limits.MaxAttributesPerRecord);
        using var lines = new MemoryStream();
        var frames = new List<byte[]>();
        var points = 0;
        for (var start = 0; start < records; start += perExport)
        {
            // The decode+map+encode benchmark's record shape (the agent's attribute set), each record at
            // its own nanosecond so no two points collide.
            var count = Math.Min(perExport, records - start);
            var request = DecodeMapEncodeBenchmark.BuildRequest(count, seed: start);
            var time = firstTime + (ulong)start;
            foreach (var record in request.ResourceLogs[0].ScopeLogs[0].LogRecords)
            {
                record.TimeUnixNano = time++;
            }

            var message = request.ToByteArray();
            session.Reset();
            var mapped = mapper.Map(message, session, 1_700_000_000_000_000_000);
            if (mapped.Error is not null || mapped.Rejected > 0 || mapped.Points != count || session.LogPoints != 0)
            {
                throw new InvalidOperationException($"mapping the benchmark records did not give one http_requests point each: {mapped}");
            }

            points += mapped.Points;
            lines.Write(session.Output.WrittenSpan);
            frames.Add(GrpcFrame(message, gzip));
        }

        return (frames, lines.ToArray(), points);
    }

    /// <summary>Line protocol cut into bodies of <paramref name="batch"/> lines.</summary>
    private static List<byte[]> Rebatch(byte[] all, int batch)
    {
        var bodies = new List<byte[]>();
        var start = 0;
        var count = 0;
        for (var i = 0; i < all.Length; i++)
        {
            if (all[i] == (byte)'\n' && ++count == batch)
            {
                bodies.Add(all[start..(i + 1)]);
                start = i + 1;
                count = 0;
            }
        }

        if (start < all.Length)
        {
            bodies.Add(all[start..]);
        }

        return bodies;
    }

    /// <summary>A gRPC length-prefixed message: flag (1 = compressed), big-endian length, bytes.</summary>
    internal static byte[] GrpcFrame(byte[] message, bool gzip)
    {
        if (gzip)
        {
            using var compressed = new MemoryStream();
            using (var stream = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                stream.Write(message);
            }

            message = compressed.ToArray();
        }

        var frame = new byte[5 + message.Length];
        frame[0] = gzip ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame.AsSpan(5));
        return frame;
    }

    private static async Task<CollectorResult> MeasureCollectorAsync(InfluxDbServer influx, List<byte[]> warmUp, List<byte[]> steadyWarmUp, List<byte[]> exports, int points, int inFlight, bool gzip, TextWriter output)
    {
        var db = await influx.CreateUniqueDatabaseAsync("collector").ConfigureAwait(false);
        using var dir = new TempDirectory("collector-throughput");
        var (app, uri) = await StartCollectorAsync(influx, db, dir).ConfigureAwait(false);
        var clients = Enumerable.Range(0, inFlight).Select(_ => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { Timeout = TimeSpan.FromMinutes(5) }).ToArray();
        try
        {
            await SendAllAsync(clients, uri, warmUp, gzip).ConfigureAwait(false);

            // Tiered compilation promotes a method after enough calls, and dynamic PGO compiles it twice more
            // (instrumented, then optimized): per-batch code, called once per 5000 points, gets there only
            // after hundreds of thousands of records. Methods are promoted only while they are called, so an
            // idle wait proves nothing: the timed-run-sized Exports are sent again and again (same points,
            // earlier shard) until a whole pass compiles (almost) nothing.
            for (var pass = 1; pass <= MaxWarmUpPasses; pass++)
            {
                var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
                await SendAllAsync(clients, uri, steadyWarmUp, gzip).ConfigureAwait(false);
                compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - compiled;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"warm-up pass {pass}: {SteadyWarmUpRecords} records, {compiled} methods compiled")).ConfigureAwait(false);
                if (compiled < 5)
                {
                    break;
                }
            }

            await WaitForJitIdleAsync().ConfigureAwait(false);
            await WaitForInfluxIdleAsync(influx).ConfigureAwait(false);
            await output.WriteLineAsync("collector warmed up, influxd idle: timing the collector").ConfigureAwait(false);

            using var writes = new WriteStats();
            var influxCpu = influx.ProcessorTime;
            var ownCpu = Environment.CpuUsage.TotalTime;
            var jit = System.Runtime.JitInfo.GetCompilationTime();
            var clock = Stopwatch.StartNew();
            var (retried, rejected) = await SendAllAsync(clients, uri, exports, gzip).ConfigureAwait(false);
            var elapsed = clock.Elapsed;
            influxCpu = influx.ProcessorTime - influxCpu;
            ownCpu = Environment.CpuUsage.TotalTime - ownCpu;
            jit = System.Runtime.JitInfo.GetCompilationTime() - jit;
            var stored = await InfluxCeiling.CountAsync(influx, db, CancellationToken.None, (long)MeasuredTime).ConfigureAwait(false);
            return new CollectorResult(points, stored, elapsed, exports.Count, inFlight, gzip, retried, rejected, writes.Describe(elapsed), influxCpu, ownCpu, jit);
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

    /// <summary>Starts a collector in this process (default configuration, self-metrics off, warnings only) writing to
    /// <paramref name="db"/>, with more <c>influxdb</c> keys in <paramref name="influxYaml"/> (indented by two
    /// spaces); returns it and the URI of its gRPC logs Export.</summary>
    internal static async Task<(Microsoft.AspNetCore.Builder.WebApplication App, Uri Export)> StartCollectorAsync(InfluxDbServer influx, string db, TempDirectory dir, string influxYaml = "")
    {
        var grpc = FreePort.Get();
        var config = dir.Combine("collector.yaml");
        await File.WriteAllTextAsync(config, $"""
            receiver:
              grpc_endpoint: "127.0.0.1:{grpc}"
              http_endpoint: "127.0.0.1:{FreePort.Get()}"
            self_metrics:
              enabled: false
            logging:
              LogLevel:
                Default: Warning
            influxdb:
              url: "{influx.Url}"
              database: "{db}"

            """ + influxYaml).ConfigureAwait(false);
        var app = CollectorApp.Build(["--config", config]);
        await app.StartAsync().ConfigureAwait(false);
        return (app, new Uri($"http://127.0.0.1:{grpc}{ExportPath}"));
    }

    /// <summary>Each client (one connection, like one agent) sends the next Export as soon as its previous
    /// one is answered, until all are stored; refused Exports are resent after the hinted delay.</summary>
    private static async Task<(long Retried, long Rejected)> SendAllAsync(HttpClient[] clients, Uri uri, List<byte[]> exports, bool gzip)
    {
        var next = -1;
        long retried = 0;
        long rejected = 0;
        var senders = clients.Select(client => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < exports.Count)
            {
                while (true)
                {
                    var answer = await ExportAsync(client, uri, exports[i], gzip).ConfigureAwait(false);
                    if (answer.Ok)
                    {
                        Interlocked.Add(ref rejected, answer.Rejected);
                        break;
                    }

                    // RESOURCE_EXHAUSTED / UNAVAILABLE: the agent backs off and resends the same batch.
                    Interlocked.Increment(ref retried);
                    await Task.Delay(answer.RetryAfter ?? TimeSpan.FromMilliseconds(200)).ConfigureAwait(false);
                }
            }
        })).ToArray();
        await Task.WhenAll(senders).ConfigureAwait(false);
        return (retried, rejected);
    }

    /// <summary>One unary gRPC call over HTTP/2 cleartext with a pre-encoded frame.</summary>
    internal static async Task<ExportAnswer> ExportAsync(HttpClient client, Uri uri, byte[] frame, bool gzip)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (gzip)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        }

        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        var status = Header(response, "grpc-status");
        if (response.StatusCode != HttpStatusCode.OK || status is null)
        {
            throw new InvalidOperationException($"not a gRPC answer: HTTP {(int)response.StatusCode}");
        }

        if (status != "0")
        {
            if (status is not ("8" or "14"))
            {
                throw new InvalidOperationException($"Export failed: grpc-status {status} {Header(response, "grpc-message")}");
            }

            TimeSpan? retry = long.TryParse(Header(response, "grpc-retry-pushback-ms"), CultureInfo.InvariantCulture, out var ms) ? TimeSpan.FromMilliseconds(ms) : null;
            return new ExportAnswer(false, 0, retry, status);
        }

        long rejected = 0;
        if (body.Length > 5 && body[0] == 0)
        {
            var answer = ExportLogsServiceResponse.Parser.ParseFrom(body.AsSpan(5));
            rejected = answer.PartialSuccess?.RejectedLogRecords ?? 0;
        }

        return new ExportAnswer(true, rejected, null, status);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var t) ? t.FirstOrDefault()
        : response.Headers.TryGetValues(name, out var h) ? h.FirstOrDefault()
        : null;

    internal readonly record struct ExportAnswer(bool Ok, long Rejected, TimeSpan? RetryAfter, string GrpcStatus);

    private sealed record CollectorResult(int Points, long Stored, TimeSpan Elapsed, int Exports, int InFlight, bool Gzip, long Retried, long RejectedRecords, string Writes, TimeSpan InfluxCpu, TimeSpan CollectorCpu, TimeSpan Jit)
    {
        public double PointsPerSecond => Points / Elapsed.TotalSeconds;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Points} records in {Elapsed.TotalSeconds:F2} s = {PointsPerSecond:F0} records/s ({Exports} Exports, {InFlight} in flight, gzip {Gzip}; {Retried} retried after RESOURCE_EXHAUSTED/UNAVAILABLE, {RejectedRecords} rejected); stored {Stored}; InfluxDB writes: {Writes}; CPU: influxd {InfluxCpu.TotalSeconds:F2} s, collector + senders {CollectorCpu.TotalSeconds:F2} s = {CollectorCpu.TotalMilliseconds * 1000 / Points:F1} µs/record (of which JIT {Jit.TotalSeconds:F2} s)");
    }

    /// <summary>The writer's own instruments: how many requests, how full, and how many were in flight on
    /// average (sum of request durations / wall time), to tell where end-to-end time goes.</summary>
    private sealed class WriteStats : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _batches;
        private long _points;
        private double _seconds;

        public WriteStats()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Telemetry.Collector" && instrument.Name is "telemetry.collector.write.batch_size" or "telemetry.collector.write.duration")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
            {
                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _points, value);
            });
            _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
            {
                lock (_listener)
                {
                    _seconds += value;
                }
            });
            _listener.Start();
        }

        public string Describe(TimeSpan elapsed)
        {
            var batches = Interlocked.Read(ref _batches);
            return batches == 0 ? "none seen" : string.Create(CultureInfo.InvariantCulture,
                $"{batches} requests, {(double)Interlocked.Read(ref _points) / batches:F0} points each, {_seconds / batches * 1000:F0} ms each, {_seconds / elapsed.TotalSeconds:F2} in flight on average");
        }

        public void Dispose() => _listener.Dispose();
    }
}
