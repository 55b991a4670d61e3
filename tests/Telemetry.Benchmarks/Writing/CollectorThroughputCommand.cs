using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using Telemetry.Benchmarks.Mapping;
using Telemetry.Collector.Configuration;
using Telemetry.Collector.Enrichment;
using Telemetry.Collector.Mapping;
using Telemetry.TestKit;
using Telemetry.TestKit.InfluxDb;

namespace Telemetry.Benchmarks.Writing;

/// <summary>
/// <c>dotnet run -c Release --project tests/Telemetry.Benchmarks -- collector-throughput [records] [per_export] [in_flight]
/// [--rounds N] [--no-gzip] [--no-influx-gzip] [--influxd-cpus=LIST --own-cpus=LIST]</c> (defaults 1,000,000 records,
/// 2048 per Export, 16 in flight, 1 round)
/// <para>
/// By default influxd, the senders and the collector share every CPU, so each CPU-second the collector or the
/// senders spend is taken from influxd. With <c>--influxd-cpus=0 --own-cpus=1</c> (taskset lists) influxd runs on
/// its own CPUs (the senders and the collector on the others), as in a deployment where InfluxDB has its own host.
/// </para>
/// <para>
/// One private influxd and one collector process (<see cref="CollectorProcess"/>, its own runtime configuration),
/// warmed up first; then N rounds, each of two measurements of the same points:
/// </para>
/// <list type="number">
/// <item>InfluxDB's ceiling, into a fresh database: the exact line protocol the collector produces for these
/// records (mapped beforehand by the collector's own <see cref="LogsMapper"/>), cut into batches of the writer's
/// <c>batch_max_points</c>, gzipped (outside the timing) when the writer gzips (<c>--no-influx-gzip</c>: neither
/// does), posted straight to <c>/write</c> over <c>max_concurrent_requests</c> connections.</item>
/// <item>End to end: the same records as OTLP/gRPC <c>Export</c> calls of <c>per_export</c> records
/// (pre-serialized and gzipped once up front, like the agent's default), <c>in_flight</c> senders each on its own
/// HTTP/2 connection with one Export outstanding (like that many agents), through the collector into InfluxDB
/// (each round's points a week after the previous round's: a new shard, as fresh as the ceiling's database).
/// Timed from the first Export to the last OK, which the collector only gives once the points are stored.</item>
/// </list>
/// Every run is checked with <c>count()</c>: every point stored exactly once. Prints each round's figures, CPU per
/// record of the collector, the senders and influxd, and the median ratio with a verdict against 90 %; exits 1
/// when a count is off, 3 when the median ratio is under 90 %.
/// </summary>
public static class CollectorThroughputCommand
{
    internal const string ExportPath = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";
    private const ulong MeasuredTime = 1_700_000_000_000_000_000;
    private const ulong RoundSpacing = 8UL * 24 * 3600 * 1_000_000_000;
    private const ulong WarmUpTime = 1_690_000_000_000_000_000;
    private const int WarmUpRecords = 30_000;
    private const int SteadyWarmUpRecords = 100_000;
    private const int MaxWarmUpPasses = 12;
    private const double Target = 0.9;

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var roundsAt = Array.IndexOf(args, "--rounds");
        var rounds = roundsAt > 0 && roundsAt + 1 < args.Length ? int.Parse(args[roundsAt + 1], CultureInfo.InvariantCulture) : 1;
        var positional = args.Skip(1).Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && i + 1 != roundsAt + 1).ToArray();
        var records = positional.Length > 0 ? int.Parse(positional[0], CultureInfo.InvariantCulture) : 1_000_000;
        var perExport = positional.Length > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : 2048;
        var inFlight = positional.Length > 2 ? int.Parse(positional[2], CultureInfo.InvariantCulture) : 16;
        var gzip = !args.Contains("--no-gzip");
        var influxdCpus = OptionValue(args, "--influxd-cpus=");
        var ownCpus = OptionValue(args, "--own-cpus=");
        var writer = new InfluxDbOptions { Gzip = !args.Contains("--no-influx-gzip") };

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"collector-throughput: {rounds} round(s) of {records} access-log records, {perExport} per Export, {inFlight} Exports in flight, OTLP gzip {gzip}; writer batch {writer.BatchMaxPoints}, {writer.MaxConcurrentRequests} requests, gzip {writer.Gzip} (ceiling alike); senders' UnfairSemaphoreSpinLimit {AppContext.GetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit") ?? "default"}; load average {LoadAverage()}")).ConfigureAwait(false);

        var (exportBodies, lines, points) = BuildExports(records, perExport, MeasuredTime, gzip);

        // Warm-up records (into the collector's database, in an earlier week: another shard, left out of the
        // count): small Exports, so per-request code is called often enough to be promoted by tiered compilation
        // too, then timed-run-sized ones.
        var (warmBodies, warmLines, _) = BuildExports(WarmUpRecords, 250, WarmUpTime, gzip);
        var (steadyBodies, _, _) = BuildExports(SteadyWarmUpRecords, perExport, WarmUpTime, gzip);
        var batches = Rebatch(lines, writer.BatchMaxPoints);
        var warmBatches = Rebatch(warmLines, writer.BatchMaxPoints);

        await using var influx = await InfluxDbServer.StartNewAsync().ConfigureAwait(false);
        if (influxdCpus is not null)
        {
            await PinAsync(influx.ProcessId ?? throw new InvalidOperationException("influxd is not running"), influxdCpus, output).ConfigureAwait(false);
        }

        var collectorDb = await influx.CreateUniqueDatabaseAsync("collector").ConfigureAwait(false);
        await using var collector = await CollectorProcess.StartAsync(influx.Url, collectorDb, writer.Gzip).ConfigureAwait(false);
        if (ownCpus is not null)
        {
            await PinAsync(Environment.ProcessId, ownCpus, output).ConfigureAwait(false);
            await PinAsync(collector.ProcessId, ownCpus, output).ConfigureAwait(false);
        }

        var uri = new Uri($"http://127.0.0.1:{collector.GrpcPort}{ExportPath}");
        var clients = Enumerable.Range(0, inFlight).Select(_ => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { Timeout = TimeSpan.FromMinutes(5) }).ToArray();
        try
        {
            await WarmUpAsync(collector, clients, uri, warmBodies, steadyBodies, gzip, output).ConfigureAwait(false);
            var ratios = new List<double>();
            var ok = true;
            for (var round = 1; round <= rounds; round++)
            {
                await WaitForInfluxIdleAsync(influx).ConfigureAwait(false);
                var ceiling = await MeasureCeilingAsync(influx, warmBatches, batches, writer, "r" + round.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
                await output.WriteLineAsync($"round {round}: InfluxDB ceiling: {ceiling}").ConfigureAwait(false);

                var time = MeasuredTime + ((ulong)(round - 1) * RoundSpacing);
                var exports = round == 1 ? exportBodies : BuildExports(records, perExport, time, gzip).Frames;
                await WaitForInfluxIdleAsync(influx).ConfigureAwait(false);
                await WaitForIdleAsync(() => collector.ProcessorTime).ConfigureAwait(false);
                var result = await MeasureCollectorAsync(influx, collector, collectorDb, clients, uri, exports, points, inFlight, gzip, (long)time).ConfigureAwait(false);
                await output.WriteLineAsync($"round {round}: collector end to end: {result}").ConfigureAwait(false);

                var ratio = result.PointsPerSecond / ceiling.PointsPerSecond;
                ratios.Add(ratio);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}: ratio {ratio:P1} ({result.PointsPerSecond:F0} records/s / {ceiling.PointsPerSecond:F0} points/s); CPU µs per record: collector {PerRecord(result.CollectorCpu, points):F2}, senders {PerRecord(result.SenderCpu, points):F2}, influxd {PerRecord(result.InfluxCpu, points):F2} (in the ceiling run: influxd {PerRecord(ceiling.InfluxCpu, points):F2}, poster {PerRecord(ceiling.ClientCpu, points):F2}); load average {LoadAverage()}")).ConfigureAwait(false);

                if (ceiling.Stored != points || result.Stored != points || result.RejectedRecords != 0)
                {
                    ok = false;
                    await output.WriteLineAsync($"MISMATCH in round {round}: {points} points, ceiling stored {ceiling.Stored}, collector stored {result.Stored}, rejected {result.RejectedRecords}").ConfigureAwait(false);
                }
            }

            ratios.Sort();
            var median = ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[(ratios.Count / 2) - 1] + ratios[ratios.Count / 2]) / 2;
            var pass = median >= Target;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"verdict: median ratio of {ratios.Count} round(s) {median:P1} (rounds {string.Join(", ", ratios.Select(r => r.ToString("P1", CultureInfo.InvariantCulture)))}): {(pass ? "PASS" : "FAIL")} against {Target:P0}; load average {LoadAverage()}")).ConfigureAwait(false);
            return !ok ? 1 : pass ? 0 : 3;
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static double PerRecord(TimeSpan cpu, int records) => cpu.TotalMilliseconds * 1000 / records;

    /// <summary>One ceiling measurement into a fresh database: the warm-up points first (an earlier shard, not
    /// counted), an idle wait, then the timed points.</summary>
    private static async Task<CeilingResult> MeasureCeilingAsync(InfluxDbServer influx, List<byte[]> warmUp, List<byte[]> batches, InfluxDbOptions writer, string name)
    {
        var db = await influx.CreateUniqueDatabaseAsync("ceiling_" + name).ConfigureAwait(false);
        await InfluxCeiling.MeasureLinesAsync(influx, warmUp, writer.MaxConcurrentRequests, writer.Gzip, db).ConfigureAwait(false);
        await WaitForInfluxIdleAsync(influx).ConfigureAwait(false);
        return await InfluxCeiling.MeasureLinesAsync(influx, batches, writer.MaxConcurrentRequests, writer.Gzip, db, (long)MeasuredTime).ConfigureAwait(false);
    }

    private static Task WaitForInfluxIdleAsync(InfluxDbServer influx) => WaitForIdleAsync(() => influx.ProcessorTime);

    /// <summary>Waits (at most 60 s) until a process (influxd, the collector) has used under 5 % of a core for two
    /// seconds in a row: the previous run's cache snapshots, compactions or GC must not be billed to the next one.</summary>
    private static async Task WaitForIdleAsync(Func<TimeSpan> processorTime)
    {
        var quiet = 0;
        var last = processorTime();
        for (var i = 0; i < 60 && quiet < 2; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            var now = processorTime();
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

    /// <summary>Small Exports, then timed-run-sized ones again and again (same points, earlier shard) until the
    /// collector's CPU for a pass changes by under 5 %: tiered compilation and dynamic PGO promote per-batch
    /// code only after hundreds of thousands of records, and only while it is called.</summary>
    private static async Task WarmUpAsync(CollectorProcess collector, HttpClient[] clients, Uri uri, List<byte[]> warmUp, List<byte[]> steadyWarmUp, bool gzip, TextWriter output)
    {
        await SendAllAsync(clients, uri, warmUp, gzip).ConfigureAwait(false);
        var previous = TimeSpan.Zero;
        for (var pass = 1; pass <= MaxWarmUpPasses; pass++)
        {
            var cpu = collector.ProcessorTime;
            await SendAllAsync(clients, uri, steadyWarmUp, gzip).ConfigureAwait(false);
            cpu = collector.ProcessorTime - cpu;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"warm-up pass {pass}: {SteadyWarmUpRecords} records, collector CPU {cpu.TotalSeconds:F2} s")).ConfigureAwait(false);
            if (pass >= 3 && Math.Abs((cpu - previous).TotalSeconds) < 0.05 * previous.TotalSeconds)
            {
                break;
            }

            previous = cpu;
        }
    }

    private static async Task<CollectorResult> MeasureCollectorAsync(InfluxDbServer influx, CollectorProcess collector, string db, HttpClient[] clients, Uri uri, List<byte[]> exports, int points, int inFlight, bool gzip, long since)
    {
        var influxCpu = influx.ProcessorTime;
        var collectorCpu = collector.ProcessorTime;
        var ownCpu = Environment.CpuUsage.TotalTime;
        var counters = await InfluxWriteCounters.ReadAsync(influx.Url).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var (retried, rejected) = await SendAllAsync(clients, uri, exports, gzip).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        var writes = (await InfluxWriteCounters.ReadAsync(influx.Url).ConfigureAwait(false)) - counters;
        influxCpu = influx.ProcessorTime - influxCpu;
        collectorCpu = collector.ProcessorTime - collectorCpu;
        ownCpu = Environment.CpuUsage.TotalTime - ownCpu;
        var stored = await InfluxCeiling.CountAsync(influx, db, CancellationToken.None, since).ConfigureAwait(false);
        return new CollectorResult(points, stored, elapsed, exports.Count, inFlight, gzip, retried, rejected, influxCpu, collectorCpu, ownCpu, writes.Describe(elapsed));
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

    private sealed record CollectorResult(int Points, long Stored, TimeSpan Elapsed, int Exports, int InFlight, bool Gzip, long Retried, long RejectedRecords, TimeSpan InfluxCpu, TimeSpan CollectorCpu, TimeSpan SenderCpu, string Writes)
    {
        public double PointsPerSecond => Points / Elapsed.TotalSeconds;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Points} records in {Elapsed.TotalSeconds:F2} s = {PointsPerSecond:F0} records/s ({Exports} Exports, {InFlight} in flight, gzip {Gzip}; {Retried} retried after RESOURCE_EXHAUSTED/UNAVAILABLE, {RejectedRecords} rejected); stored {Stored}; CPU: influxd {InfluxCpu.TotalSeconds:F2} s, collector {CollectorCpu.TotalSeconds:F2} s, senders {SenderCpu.TotalSeconds:F2} s; influxd received {Writes}");
    }
}
