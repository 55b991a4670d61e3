using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using Telemetry.TestKit.InfluxDb;

namespace Telemetry.Benchmarks.Writing;

/// <summary>
/// InfluxDB's own write ceiling on this machine: pre-encoded <c>http_requests</c> line protocol posted
/// straight to <c>/write</c> (no collector in the path), in batches, with several connections. The
/// collector cannot write faster than this; compare its end-to-end figure against it.
/// </summary>
public static class InfluxCeiling
{
    public static async Task<CeilingResult> MeasureAsync(
        InfluxDbServer server,
        int points,
        int batchSize = 5000,
        int concurrency = 4,
        bool gzip = true,
        CancellationToken cancellationToken = default)
    {
        var bodies = new List<byte[]>();
        for (var start = 0; start < points; start += batchSize)
        {
            bodies.Add(HttpRequestPoints.Lines(Math.Min(batchSize, points - start), 1_700_000_000_000_000_000 + start));
        }

        return await MeasureLinesAsync(server, bodies, concurrency, gzip, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Posts <paramref name="batches"/> (line protocol, one request each; compressed first when
    /// <paramref name="gzip"/>, outside the timing) into <paramref name="database"/> (default: a fresh one)
    /// and counts what is stored at or after <paramref name="countSince"/> (ns).</summary>
    public static async Task<CeilingResult> MeasureLinesAsync(
        InfluxDbServer server,
        IReadOnlyList<byte[]> batches,
        int concurrency,
        bool gzip,
        string? database = null,
        long countSince = 0,
        CancellationToken cancellationToken = default)
    {
        var db = database ?? await server.CreateUniqueDatabaseAsync("ceiling", cancellationToken).ConfigureAwait(false);
        var points = 0;
        var batchSize = 0;
        var bodies = new List<byte[]>(batches.Count);
        foreach (var batch in batches)
        {
            var lines = batch.AsSpan().Count((byte)'\n');
            points += lines;
            batchSize = Math.Max(batchSize, lines);
            bodies.Add(gzip ? Compress(batch) : batch);
        }

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = server.Url, Timeout = TimeSpan.FromMinutes(2) };
        var uri = new Uri($"write?db={db}&precision=ns", UriKind.Relative);
        var next = -1;
        long requestTicks = 0;
        var retried = 0;
        var influxCpu = server.ProcessorTime;
        var ownCpu = Environment.CpuUsage.TotalTime;
        var clock = Stopwatch.StartNew();
        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            workers[w] = Task.Run(
                async () =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < bodies.Count)
                    {
                        for (var attempt = 1; ; attempt++)
                        {
                            using var content = new ByteArrayContent(bodies[i]);
                            content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
                            if (gzip)
                            {
                                content.Headers.ContentEncoding.Add("gzip");
                            }

                            var sent = Stopwatch.GetTimestamp();
                            using var response = await http.PostAsync(uri, content, cancellationToken).ConfigureAwait(false);
                            Interlocked.Add(ref requestTicks, Stopwatch.GetTimestamp() - sent);
                            if (response.IsSuccessStatusCode)
                            {
                                break;
                            }

                            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                            if ((int)response.StatusCode < 500 || attempt == 5)
                            {
                                throw new InvalidOperationException($"InfluxDB answered {(int)response.StatusCode}: {body}");
                            }

                            // A 500 "timeout" (write-timeout on a starved machine): resent, like the collector's
                            // writer does; the time counts. Identical points are stored once.
                            Interlocked.Increment(ref retried);
                        }
                    }
                },
                cancellationToken);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        influxCpu = server.ProcessorTime - influxCpu;
        ownCpu = Environment.CpuUsage.TotalTime - ownCpu;
        var stored = await CountAsync(server, db, cancellationToken, countSince).ConfigureAwait(false);
        return new CeilingResult(points, stored, elapsed, batchSize, concurrency, gzip, bodies.Count, (double)requestTicks / Stopwatch.Frequency, influxCpu, ownCpu, retried);
    }

    /// <summary>Points stored in <c>http_requests</c> of <paramref name="db"/> (<c>count("status_code")</c>: every point has it).</summary>
    public static async Task<long> CountAsync(InfluxDbServer server, string db, CancellationToken cancellationToken, long since = 0)
    {
        var query = since == 0 ? "SELECT count(\"status_code\") FROM http_requests" : $"SELECT count(\"status_code\") FROM http_requests WHERE time >= {since}";
        var series = await server.QueryAsync(db, query, "ns", cancellationToken).ConfigureAwait(false);
        return series.Count == 0 ? 0 : series[0].Values[0][1].GetInt64();
    }

    private static byte[] Compress(byte[] lines)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(lines);
        }

        return output.ToArray();
    }
}

/// <summary>One ceiling measurement: points posted and found stored, wall time, and points per second.</summary>
public sealed record CeilingResult(int Posted, long Stored, TimeSpan Elapsed, int BatchSize, int Concurrency, bool Gzip, int Requests, double RequestSeconds, TimeSpan InfluxCpu, TimeSpan ClientCpu, int Retried = 0)
{
    public double PointsPerSecond => Posted / Elapsed.TotalSeconds;

    public override string ToString() =>
        $"{Posted} points in {Elapsed.TotalSeconds:F2} s = {PointsPerSecond:F0} points/s (batch {BatchSize}, {Concurrency} connections, gzip {Gzip}); stored {Stored}; {Requests} requests, {RequestSeconds / Requests * 1000:F0} ms each, {RequestSeconds / Elapsed.TotalSeconds:F2} in flight on average, {Retried} resent after a 500; CPU: influxd {InfluxCpu.TotalSeconds:F2} s, sender {ClientCpu.TotalSeconds:F2} s";
}
