using System.Text;
using System.Text.Json;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;
using Telemetry.TestKit;
using Telemetry.TestKit.InfluxDb;
using static Telemetry.Collector.Tests.Mapping.Otlp;

namespace Telemetry.Collector.Tests.Pipeline;

/// <summary>
/// The whole collector - gRPC receiver, mapping, writer - against a real influxd 1.6.7: what an agent sends
/// is what a dashboard query reads back, with the schema's tags, field types and answers.
/// </summary>
[Collection(InfluxDbFixture.CollectionName)]
public sealed class CollectorToInfluxDbTests(InfluxDbFixture fixture)
{
    private const ulong Time = 1_700_000_000_000_000_000;

    private readonly InfluxDbServer _influx = fixture.Server;

    /// <param name="influxYaml">More keys of the <c>influxdb</c> section, indented by two spaces.</param>
    private async Task<(WebApplication App, GrpcChannel Channel, TempDirectory Dir)> StartCollectorAsync(string database, string extraYaml = "", string influxYaml = "")
    {
        var dir = new TempDirectory("collector-e2e");
        var grpcPort = FreePort.Get();
        var httpPort = FreePort.Get();
        while (httpPort == grpcPort)
        {
            httpPort = FreePort.Get();
        }

        var yaml = new StringBuilder()
            .Append("receiver:\n")
            .Append("  grpc_endpoint: \"127.0.0.1:").Append(grpcPort).Append("\"\n")
            .Append("  http_endpoint: \"127.0.0.1:").Append(httpPort).Append("\"\n")
            .Append("self_metrics:\n  enabled: false\n")
            .Append("influxdb:\n")
            .Append("  url: \"").Append(_influx.Url).Append("\"\n")
            .Append("  database: ").Append(database).Append('\n')
            .Append("  max_retries: 1\n")
            .Append("  timeout: \"00:00:05\"\n")
            .Append(influxYaml)
            .Append("enrichment:\n  static_tags: { env: test }\n  route_rules: [\"/static/**\"]\n")
            .Append(extraYaml)
            .ToString();
        var path = dir.Combine("collector.yaml");
        await File.WriteAllTextAsync(path, yaml);
        var app = CollectorApp.Build(["--config", path]);
        await app.StartAsync();
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        return (app, channel, dir);
    }

    [Fact]
    public async Task Access_log_records_sent_over_grpc_are_queryable_as_http_requests()
    {
        var db = await _influx.CreateUniqueDatabaseAsync("e2e");
        var (app, channel, dir) = await StartCollectorAsync(db);
        await using var _a = app;
        using var _c = channel;
        using var _d = dir;
        var client = new LogsService.LogsServiceClient(channel);

        var response = await client.ExportAsync(Request(
            Record(Time, AccessLogAttributes(path: "/users/123")),
            Record(Time + 1, AccessLogAttributes(method: "PROPFIND", path: "/users/456", status: 404)),
            Record(Time + 2, AccessLogAttributes(path: "/static/css/app.css", status: 304))));

        Assert.Null(response.PartialSuccess);
        var series = await _influx.QueryAsync(db, "SELECT * FROM http_requests", epoch: "ns");
        var rows = series.Single().Rows();
        Assert.Equal(3, rows.Count);

        Assert.Equal(1_700_000_000_000_000_000, rows[0]["time"].GetInt64());
        Assert.Equal("web-1", rows[0]["host"].GetString());
        Assert.Equal("nginx", rows[0]["service"].GetString());
        Assert.Equal("GET", rows[0]["method"].GetString());
        Assert.Equal("200", rows[0]["status"].GetString());
        Assert.Equal("2xx", rows[0]["status_class"].GetString());
        Assert.Equal("browser", rows[0]["ua_class"].GetString());
        Assert.Equal("/users/{id}", rows[0]["route"].GetString());
        Assert.Equal("test", rows[0]["env"].GetString());
        Assert.Equal("/users/123", rows[0]["path"].GetString());
        Assert.Equal("page=2", rows[0]["query"].GetString());
        Assert.Equal(200, rows[0]["status_code"].GetInt64());
        Assert.Equal(5120, rows[0]["bytes"].GetInt64());
        Assert.Equal("/var/log/nginx/access.log", rows[0]["log.file.path"].GetString());

        Assert.Equal("OTHER", rows[1]["method"].GetString());
        Assert.Equal("PROPFIND", rows[1]["method_original"].GetString());
        Assert.Equal("4xx", rows[1]["status_class"].GetString());
        Assert.Equal("/users/{id}", rows[1]["route"].GetString());
        Assert.Equal("/static/**", rows[2]["route"].GetString());

        // Field types are the schema's: integers stay integers for count()/sum() and never conflict.
        var types = await _influx.QueryAsync(db, "SHOW FIELD KEYS FROM http_requests");
        var fieldTypes = types.Single().Rows().ToDictionary(r => r["fieldKey"].GetString()!, r => r["fieldType"].GetString());
        Assert.Equal("integer", fieldTypes["status_code"]);
        Assert.Equal("integer", fieldTypes["bytes"]);
        Assert.Equal("string", fieldTypes["path"]);
        Assert.Equal("string", fieldTypes["user_agent"]);
        var tagKeys = (await _influx.QueryAsync(db, "SHOW TAG KEYS FROM http_requests")).Single().Rows().Select(r => r["tagKey"].GetString()).ToHashSet();
        Assert.Equal(["env", "host", "method", "route", "service", "status", "status_class", "ua_class"], tagKeys.Order());
    }

    [Fact]
    public async Task Record_with_a_conflicting_field_type_is_reported_in_partial_success_and_the_rest_is_stored()
    {
        var db = await _influx.CreateUniqueDatabaseAsync("e2e");
        var (app, channel, dir) = await StartCollectorAsync(db);
        await using var _a = app;
        using var _c = channel;
        using var _d = dir;
        var client = new LogsService.LogsServiceClient(channel);

        await client.ExportAsync(Request(Record(Time, Attr("url.path", "/"), Attr("x.size", 5L))));
        var response = await client.ExportAsync(Request(
            Record(Time + 10, Attr("url.path", "/a"), Attr("x.size", "five")),
            Record(Time + 11, Attr("url.path", "/b"), Attr("x.size", 6L))));

        Assert.NotNull(response.PartialSuccess);
        Assert.Equal(1, response.PartialSuccess.RejectedLogRecords);
        Assert.Contains("x.size", response.PartialSuccess.ErrorMessage);
        var paths = (await _influx.QueryAsync(db, "SELECT path FROM http_requests")).Single().Rows().Select(r => r["path"].GetString()).ToList();
        Assert.Equal(["/", "/b"], paths);
    }

    [Fact]
    public async Task Undecodable_request_is_refused_with_invalid_argument()
    {
        var db = await _influx.CreateUniqueDatabaseAsync("e2e");
        var (app, channel, dir) = await StartCollectorAsync(db, "limits:\n  max_records_per_request: 2\n");
        await using var _a = app;
        using var _c = channel;
        using var _d = dir;
        var client = new LogsService.LogsServiceClient(channel);

        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () =>
            await client.ExportAsync(Request(Record(Time, Attr("url.path", "/1")), Record(Time, Attr("url.path", "/2")), Record(Time, Attr("url.path", "/3")))));

        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("limits.max_records_per_request", error.Status.Detail);
        Assert.Equal(0, await _influx.CountRowsAsync(db, "http_requests"));
    }

    [Fact]
    public async Task Histogram_metric_is_queryable_with_its_percentiles()
    {
        var db = await _influx.CreateUniqueDatabaseAsync("e2e");
        var (app, channel, dir) = await StartCollectorAsync(db);
        await using var _a = app;
        using var _c = channel;
        using var _d = dir;
        var client = new MetricsService.MetricsServiceClient(channel);
        var metric = new Metric { Name = "http.server.request.duration", Histogram = new Histogram { AggregationTemporality = AggregationTemporality.Delta } };
        var point = new HistogramDataPoint { TimeUnixNano = Time, Count = 100, Sum = 80, Min = 0.05, Max = 2, Attributes = { Attr("http.request.method", "GET") } };
        point.ExplicitBounds.AddRange([0.1, 0.5, 1]);
        point.BucketCounts.AddRange([10, 20, 30, 40]);
        metric.Histogram.DataPoints.Add(point);
        var request = new ExportMetricsServiceRequest
        {
            ResourceMetrics = { new ResourceMetrics { Resource = new Resource { Attributes = { Attr("host.name", "web-1"), Attr("service.name", "telemetry-agent") } }, ScopeMetrics = { new ScopeMetrics { Metrics = { metric } } } } },
        };

        var response = await client.ExportAsync(request);

        Assert.Null(response.PartialSuccess);
        var row = (await _influx.QueryAsync(db, "SELECT * FROM \"http.server.request.duration\"")).Single().Rows().Single();
        Assert.Equal(100, row["count"].GetInt64());
        Assert.Equal(1.75, row["p90"].GetDouble(), 12);
        Assert.Equal("GET", row["http.request.method"].GetString());
        Assert.Equal("web-1", row["host"].GetString());
    }

    [Fact]
    public async Task Nothing_accepted_is_lost_when_influxd_stops_for_seconds_and_resumes()
    {
        var db = await _influx.CreateUniqueDatabaseAsync("stall");
        var (app, channel, dir) = await StartCollectorAsync(db, influxYaml: "  queue_max_bytes: 65536\n  batch_max_bytes: 65536\n");
        await using var _a = app;
        using var _c = channel;
        using var _d = dir;
        var client = new LogsService.LogsServiceClient(channel);
        const int Exports = 40;
        const int PerExport = 100;
        var next = -1;
        var answered = 0;
        var refused = 0;

        // Four agents, each resending an Export after the delay the collector asks for, until it is stored.
        async Task SendAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Exports)
            {
                var request = Request(Enumerable.Range(0, PerExport)
                    .Select(r => Record(Time + (ulong)(i * PerExport + r), AccessLogAttributes(path: "/p/" + r))).ToArray());
                while (true)
                {
                    try
                    {
                        await client.ExportAsync(request, deadline: DateTime.UtcNow.AddSeconds(60));
                        Interlocked.Increment(ref answered);
                        break;
                    }
                    catch (Grpc.Core.RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.ResourceExhausted or Grpc.Core.StatusCode.Unavailable)
                    {
                        Interlocked.Increment(ref refused);
                        await Task.Delay(200);
                    }
                }
            }
        }

        var senders = Enumerable.Range(0, 4).Select(_ => Task.Run(SendAsync)).ToArray();
        while (Volatile.Read(ref answered) < 5)
        {
            await Task.Delay(10);
        }

        Signal(_influx.ProcessId!.Value, "STOP");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            Signal(_influx.ProcessId!.Value, "CONT");
        }

        await Task.WhenAll(senders);

        Assert.True(refused > 0, "the 64 KiB budget should have refused Exports while influxd was stopped");
        Assert.Equal(Exports * PerExport, await _influx.CountRowsAsync(db, "http_requests"));
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
