using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Telemetry.TestKit;
using Telemetry.TestKit.InfluxDb;

namespace Telemetry.IntegrationTests.Collector;

/// <summary>
/// The built collector process stopped with SIGTERM while clients are exporting over gRPC and HTTP and InfluxDB is
/// slow (frozen, so every client has a request accepted and waiting in the write queue at the signal): the requests
/// in flight are finished and answered OK, every acknowledged record is in InfluxDB afterwards, and the process
/// exits 0.
/// </summary>
public sealed class CollectorShutdownTests
{
    private const long T0 = 1_800_000_000_000_000_000;
    private const int Workers = 6;
    private const int RecordsPerRequest = 20;

    private sealed class Worker
    {
        public readonly List<string> Acknowledged = [];
        public int Sent;
        public string? InFlight;
        public DateTime InFlightSince;
        public string? Ended;
    }

    [Fact]
    public async Task Sigterm_while_requests_are_in_flight_stores_every_acknowledged_record_and_exits_0()
    {
        await using var influx = await InfluxDbServer.StartNewAsync();
        using var dir = new TempDirectory("collector-sigterm");
        var config = await CollectorConfig.WriteAsync(dir, influx, writeTimeout: "00:00:30");
        await using var collector = CollectorProcess.Start("--config", config.Path);
        await collector.WaitUntilServingAsync(config.HttpAddress, TimeSpan.FromSeconds(60));
        using (var http = new HttpClient { BaseAddress = config.HttpAddress })
        using (var ready = await http.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        using var stop = new CancellationTokenSource();
        var workers = new Worker[Workers];
        var tasks = new Task[Workers];
        for (var w = 0; w < Workers; w++)
        {
            workers[w] = new Worker();
            tasks[w] = RunWorkerAsync(w, workers[w], config, stop.Token);
        }

        // Let some exports be stored normally, then freeze InfluxDB until every client has a request waiting.
        await WaitAsync(() => workers.All(x => x.Acknowledged.Count >= RecordsPerRequest), "every client had an export acknowledged");
        var pause = await InfluxdPause.StartAsync(influx);
        string[] inFlightAtSignal;
        try
        {
            // "Accepted" is inferred from the client side: a request out for 2 s while the collector is serving has
            // reached it (500 ms was not enough once in CI with the other test projects running in parallel: the
            // request then arrived after SIGTERM and was rightly refused, which this test would call a failure).
            await WaitAsync(() => workers.All(x => x.InFlight is not null && DateTime.UtcNow - x.InFlightSince > TimeSpan.FromSeconds(2)),
                "every client waits on an accepted export");
            inFlightAtSignal = workers.Select(x => x.InFlight!).ToArray();
            await collector.TerminateAsync();
            await Task.Delay(1000);
            Assert.False(collector.HasExited, "the collector exited while accepted points were still waiting for InfluxDB");
        }
        finally
        {
            await pause.DisposeAsync();
        }

        var exitCode = await collector.WaitForExitAsync(TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await Task.WhenAll(tasks);

        Assert.True(exitCode == 0, "exit code " + exitCode + ": " + collector.Stderr + collector.Stdout);
        var acknowledged = workers.SelectMany(x => x.Acknowledged).ToHashSet();
        for (var w = 0; w < Workers; w++)
        {
            Assert.True(acknowledged.Contains(inFlightAtSignal[w] + "0"),
                "the export " + inFlightAtSignal[w] + " in flight at SIGTERM was not acknowledged: " + (workers[w].Ended ?? "no error recorded"));
        }

        var stored = (await CollectorRefusalTests.StoredPathsAsync(influx, config.Database)).ToHashSet();
        var missing = acknowledged.Where(p => !stored.Contains(p)).ToList();
        Assert.True(missing.Count == 0, missing.Count + " acknowledged records are not in InfluxDB, e.g. " + string.Join(", ", missing.Take(5)));
        Assert.True(acknowledged.Count >= Workers * RecordsPerRequest * 2, acknowledged.Count + " acknowledged");
    }

    private static async Task RunWorkerAsync(int w, Worker worker, CollectorConfig config, CancellationToken stop)
    {
        await Task.Yield();
        var grpc = w % 2 == 0;
        using var channel = OtlpRequests.Channel(config.GrpcAddress);
        using var http = new HttpClient { BaseAddress = config.HttpAddress, Timeout = TimeSpan.FromSeconds(90) };
        while (!stop.IsCancellationRequested)
        {
            var b = worker.Sent++;
            var prefix = $"/w{w}b{b}/";
            var body = OtlpRequests.AccessLog(RecordsPerRequest, T0 + (w * 10_000_000L) + (b * 1000L), pathPrefix: prefix);
            lock (worker)
            {
                worker.InFlight = prefix;
                worker.InFlightSince = DateTime.UtcNow;
            }

            try
            {
                if (grpc)
                {
                    await OtlpRequests.ExportAsync(channel, body, cancellationToken: stop);
                }
                else
                {
                    using var response = await OtlpRequests.PostAsync(http, body);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        worker.Ended = "HTTP " + (int)response.StatusCode;
                        return;
                    }
                }
            }
            catch (Exception e) when (e is RpcException or HttpRequestException or OperationCanceledException)
            {
                // The collector is gone or refused (shutting down): this request was not acknowledged.
                worker.Ended = e.GetType().Name + ": " + e.Message;
                return;
            }

            lock (worker)
            {
                for (var i = 0; i < RecordsPerRequest; i++)
                {
                    worker.Acknowledged.Add(prefix + i);
                }

                worker.InFlight = null;
            }
        }
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting until " + what);
            await Task.Delay(20);
        }
    }
}
