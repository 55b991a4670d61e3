using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Resources;
using Telemetry.TestKit.InfluxDb;

namespace Telemetry.IntegrationTests.Collector;

/// <summary>OTLP clients -> the real collector -> a private influxd, read back with /query.</summary>
public sealed class CollectorEndToEndTests
{
    // Strings that line protocol must escape, InfluxDB 1.6.7 must store, and the query must return unchanged.
    private const string TrickyPath = "/search q=\"a, b\"\\x=1 \\ end";
    private const string TrickyAgent = "Mozilla/5.0 (X11; Linux) \"quoted\" back\\slash, comma=equals\nsecond line ü 日本 🚀";
    private const string VhostEndingInBackslash = "C:\\sites\\";
    private const string TrickyService = "web,front=end svc";

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }

    private static IReadOnlyDictionary<string, JsonElement> SingleRow(IReadOnlyList<InfluxSeries> series) =>
        Assert.Single(Assert.Single(series).Rows());

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Sdk_log_records_arrive_in_influxdb_with_every_value_intact(OtlpExportProtocol protocol)
    {
        await using var influx = await InfluxDbServer.StartNewAsync();
        await using var collector = await CollectorHost.StartAsync(influx);

        using (var loggerFactory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel =>
               {
                   otel.SetResourceBuilder(ResourceBuilder.CreateEmpty()
                       .AddService(TrickyService)
                       .AddAttributes([new("host.name", "host é-1")]));
                   otel.AddOtlpExporter((exporter, processor) =>
                   {
                       exporter.Protocol = protocol;
                       exporter.Endpoint = protocol == OtlpExportProtocol.Grpc ? collector.GrpcAddress : new Uri(collector.HttpAddress, "/v1/logs");
                       processor.ExportProcessorType = OpenTelemetry.ExportProcessorType.Simple;
                   });
               })))
        {
            var logger = loggerFactory.CreateLogger("access");
            logger.Log(LogLevel.Information, default,
                new List<KeyValuePair<string, object?>>
                {
                    new("http.request.method", "GET"),
                    new("url.path", TrickyPath),
                    new("http.response.status_code", 404),
                    new("http.response.body.size", 5120L),
                    new("user_agent.original", TrickyAgent),
                    new("server.address", VhostEndingInBackslash),
                    new("client.address", "2001:db8::1"),
                },
                null, static (_, _) => "access line");
        }

        var series = await EventuallyAsync(
            () => influx.QueryAsync(collector.Database, "SELECT * FROM http_requests", "ns"),
            s => s.Count > 0);
        var row = SingleRow(series);
        Assert.Equal("GET", row["method"].GetString());
        Assert.Equal("404", row["status"].GetString());
        Assert.Equal("4xx", row["status_class"].GetString());
        Assert.Equal(TrickyPath, row["path"].GetString());
        Assert.Equal(TrickyAgent, row["user_agent"].GetString());
        Assert.Equal("2001:db8::1", row["client"].GetString());
        Assert.Equal(404, row["status_code"].GetInt64());
        Assert.Equal(5120, row["bytes"].GetInt64());
        Assert.Equal(TrickyService, row["service"].GetString());
        Assert.Equal("host é-1", row["host"].GetString());
        // A tag value ending in a backslash cannot be a tag in InfluxDB: it is kept as <tag>_raw.
        Assert.Equal(VhostEndingInBackslash, row["vhost_raw"].GetString());
    }

    [Fact]
    public async Task Influxdb_down_means_UNAVAILABLE_and_503_with_nothing_stored_then_the_retried_batch_lands_exactly_once()
    {
        await using var influx = await InfluxDbServer.StartNewAsync();
        await using var collector = await CollectorHost.StartAsync(influx);
        using var channel = GrpcChannel.ForAddress(collector.GrpcAddress, new GrpcChannelOptions { MaxRetryAttempts = 0 });
        const long t0 = 1_800_000_000_000_000_000;

        await OtlpRequests.ExportAsync(channel, OtlpRequests.AccessLog(3, t0));
        Assert.Equal(3, await influx.CountRowsAsync(collector.Database, "http_requests"));

        await influx.StopAsync();
        var batch = OtlpRequests.AccessLog(5, t0 + 1000);
        var e = await Assert.ThrowsAsync<RpcException>(() => OtlpRequests.ExportAsync(channel, batch));
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.NotNull(OtlpRequests.RetryDelay(e));

        using var http = new HttpClient { BaseAddress = collector.HttpAddress };
        var content = new ByteArrayContent(batch);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await http.PostAsync("/v1/logs", content);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        using var notReady = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);

        await influx.StartAsync();
        Assert.Equal(3, await influx.CountRowsAsync(collector.Database, "http_requests"));
        await OtlpRequests.ExportAsync(channel, batch);
        await OtlpRequests.ExportAsync(channel, batch); // a client retry after a lost answer is harmless: same points
        using var retriedOverHttp = await OtlpRequests.PostAsync(http, batch);
        Assert.Equal(HttpStatusCode.OK, retriedOverHttp.StatusCode);

        Assert.Equal(8, await influx.CountRowsAsync(collector.Database, "http_requests"));
        using var ready = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task A_type_conflict_in_one_record_is_a_partial_success_naming_one_rejected_record()
    {
        await using var influx = await InfluxDbServer.StartNewAsync();
        await using var collector = await CollectorHost.StartAsync(influx);
        using var channel = GrpcChannel.ForAddress(collector.GrpcAddress, new GrpcChannelOptions { MaxRetryAttempts = 0 });
        const long t0 = 1_800_000_000_000_000_000;
        await OtlpRequests.ExportAsync(channel, OtlpRequests.AccessLog(1, t0, _ => new KeyValue { Key = "app.size", Value = new AnyValue { IntValue = 1 } }));

        var response = ExportLogsServiceResponse.Parser.ParseFrom(await OtlpRequests.ExportAsync(channel, OtlpRequests.AccessLog(4, t0 + 100, i =>
            new KeyValue { Key = "app.size", Value = i == 2 ? new AnyValue { StringValue = "big" } : new AnyValue { IntValue = i } })));

        Assert.Equal(1, response.PartialSuccess.RejectedLogRecords);
        Assert.False(string.IsNullOrEmpty(response.PartialSuccess.ErrorMessage));
        Assert.Equal(4, await influx.CountRowsAsync(collector.Database, "http_requests"));

        // The same over OTLP/HTTP: 200 with partial_success in the protobuf body.
        using var http = new HttpClient { BaseAddress = collector.HttpAddress };
        using var answer = await OtlpRequests.PostAsync(http, OtlpRequests.AccessLog(3, t0 + 200, i =>
            new KeyValue { Key = "app.size", Value = i == 0 ? new AnyValue { StringValue = "huge" } : new AnyValue { IntValue = i } }));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var overHttp = ExportLogsServiceResponse.Parser.ParseFrom(await answer.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, overHttp.PartialSuccess.RejectedLogRecords);
        Assert.Contains("app.size", overHttp.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(6, await influx.CountRowsAsync(collector.Database, "http_requests"));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    [InlineData(new byte[] { 0x0A, 0x50, 0x0A })]
    public async Task Garbage_and_truncated_protobuf_are_INVALID_ARGUMENT_and_400(byte[] body)
    {
        await using var influx = await InfluxDbServer.StartNewAsync();
        await using var collector = await CollectorHost.StartAsync(influx);
        using var channel = GrpcChannel.ForAddress(collector.GrpcAddress, new GrpcChannelOptions { MaxRetryAttempts = 0 });

        var e = await Assert.ThrowsAsync<RpcException>(() => OtlpRequests.ExportAsync(channel, body));
        using var http = new HttpClient { BaseAddress = collector.HttpAddress };
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await http.PostAsync("/v1/logs", content);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        // Still serving, and nothing of the refused bodies was stored.
        await OtlpRequests.ExportAsync(channel, OtlpRequests.AccessLog(1, 1_800_000_000_000_000_000));
        Assert.Equal(1, await influx.CountRowsAsync(collector.Database, "http_requests"));
    }
}
