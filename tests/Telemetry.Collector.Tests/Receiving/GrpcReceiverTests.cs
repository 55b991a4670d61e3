using System.IO.Compression;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using Telemetry.Collector.Pipeline;
using Telemetry.Collector.Tests.Hosting;

namespace Telemetry.Collector.Tests.Receiving;

public sealed class GrpcReceiverTests
{
    [Fact]
    public async Task OpenTelemetry_sdk_log_exporter_over_grpc_reaches_the_pipeline()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using (var loggerFactory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel =>
               {
                   otel.IncludeFormattedMessage = true;
                   otel.AddOtlpExporter((exporter, processor) =>
                   {
                       exporter.Endpoint = collector.GrpcAddress;
                       exporter.Protocol = OtlpExportProtocol.Grpc;
                       processor.ExportProcessorType = OpenTelemetry.ExportProcessorType.Simple;
                   });
               })))
        {
            loggerFactory.CreateLogger("sdk-test").LogWarning("request {Path} took {Ms} ms", "/a b\"c", 42);
        }

        var body = Assert.Single(collector.Pipeline.Logs);
        var request = ExportLogsServiceRequest.Parser.ParseFrom(body);
        var record = Assert.Single(request.ResourceLogs.SelectMany(r => r.ScopeLogs).SelectMany(s => s.LogRecords));
        Assert.Equal("request /a b\"c took 42 ms", record.Body.StringValue);
        Assert.Contains(record.Attributes, a => a.Key == "Path" && a.Value.StringValue == "/a b\"c");
        Assert.Equal(OpenTelemetry.Proto.Logs.V1.SeverityNumber.Warn, record.SeverityNumber);
    }

    [Fact]
    public async Task Request_bytes_reach_the_pipeline_unchanged_for_logs_and_metrics()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using var channel = RawGrpc.Channel(collector.GrpcAddress);
        var logs = OtlpSamples.LogsBytes(3);
        var metrics = OtlpSamples.Metrics().ToByteArray();

        var (logsResponse, _) = await RawGrpc.ExportAsync(channel, RawGrpc.LogsExport, logs);
        var (metricsResponse, _) = await RawGrpc.ExportAsync(channel, RawGrpc.MetricsExport, metrics);

        Assert.Equal(logs, Assert.Single(collector.Pipeline.Logs));
        Assert.Equal(metrics, Assert.Single(collector.Pipeline.Metrics));
        Assert.Null(ExportLogsServiceResponse.Parser.ParseFrom(logsResponse).PartialSuccess);
        Assert.Null(ExportMetricsServiceResponse.Parser.ParseFrom(metricsResponse).PartialSuccess);
    }

    [Fact]
    public async Task Grpc_message_compression_is_inflated_before_the_pipeline()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using var channel = RawGrpc.Channel(collector.GrpcAddress);
        var logs = OtlpSamples.LogsBytes(50);
        var headers = new Metadata { { "grpc-internal-encoding-request", "gzip" } };

        await RawGrpc.ExportAsync(channel, RawGrpc.LogsExport, logs, headers);

        Assert.Equal(logs, Assert.Single(collector.Pipeline.Logs));
    }

    [Fact]
    public async Task Partial_success_names_the_rejected_records()
    {
        await using var collector = await CollectorFixture.StartAsync();
        collector.Pipeline.Answer = _ => ExportResult.Partial(1, "field type conflict on bytes");
        using var channel = RawGrpc.Channel(collector.GrpcAddress);

        var (logs, _) = await RawGrpc.ExportAsync(channel, RawGrpc.LogsExport, OtlpSamples.LogsBytes());
        var (metrics, _) = await RawGrpc.ExportAsync(channel, RawGrpc.MetricsExport, OtlpSamples.Metrics().ToByteArray());

        var logsPartial = ExportLogsServiceResponse.Parser.ParseFrom(logs).PartialSuccess;
        Assert.Equal(1, logsPartial.RejectedLogRecords);
        Assert.Equal("field type conflict on bytes", logsPartial.ErrorMessage);
        var metricsPartial = ExportMetricsServiceResponse.Parser.ParseFrom(metrics).PartialSuccess;
        Assert.Equal(1, metricsPartial.RejectedDataPoints);
    }

    [Fact]
    public async Task Invalid_request_is_INVALID_ARGUMENT_without_retry_info()
    {
        await using var collector = await CollectorFixture.StartAsync();
        collector.Pipeline.Answer = _ => ExportResult.Invalid("not an ExportLogsServiceRequest");
        using var channel = RawGrpc.Channel(collector.GrpcAddress);

        var e = await Assert.ThrowsAsync<RpcException>(() => RawGrpc.ExportAsync(channel, RawGrpc.LogsExport, [0xFF, 0xFF, 0x01]));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("not an ExportLogsServiceRequest", e.Status.Detail);
        Assert.Null(RawGrpc.RetryDelay(e));
        Assert.Equal([0xFF, 0xFF, 0x01], Assert.Single(collector.Pipeline.Logs));
    }

    [Fact]
    public async Task Storage_down_is_UNAVAILABLE_with_RetryInfo()
    {
        await using var collector = await CollectorFixture.StartAsync();
        collector.Pipeline.Answer = _ => ExportResult.Unavailable("influxdb unreachable", TimeSpan.FromSeconds(7));
        using var channel = RawGrpc.Channel(collector.GrpcAddress);

        var e = await Assert.ThrowsAsync<RpcException>(() => RawGrpc.ExportAsync(channel, RawGrpc.MetricsExport, OtlpSamples.Metrics().ToByteArray()));

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), RawGrpc.RetryDelay(e));
        Assert.Equal((int)StatusCode.Unavailable, RawGrpc.Details(e)!.Code);
        Assert.Equal("influxdb unreachable", RawGrpc.Details(e)!.Message);
    }

    [Fact]
    public async Task Overload_is_RESOURCE_EXHAUSTED_with_RetryInfo()
    {
        await using var collector = await CollectorFixture.StartAsync();
        collector.Pipeline.Answer = _ => ExportResult.Overloaded("write queue full", TimeSpan.FromMilliseconds(1500));
        using var channel = RawGrpc.Channel(collector.GrpcAddress);

        var e = await Assert.ThrowsAsync<RpcException>(() => RawGrpc.ExportAsync(channel, RawGrpc.LogsExport, OtlpSamples.LogsBytes()));

        Assert.True(StatusCode.ResourceExhausted == e.StatusCode, e.Status.ToString());
        Assert.Equal(TimeSpan.FromMilliseconds(1500), RawGrpc.RetryDelay(e));
    }

    [Fact]
    public async Task Pipeline_exception_is_UNAVAILABLE_so_the_client_keeps_its_data()
    {
        await using var collector = await CollectorFixture.StartAsync();
        collector.Pipeline.Answer = _ => throw new InvalidOperationException("boom");
        using var channel = RawGrpc.Channel(collector.GrpcAddress);

        var e = await Assert.ThrowsAsync<RpcException>(() => RawGrpc.ExportAsync(channel, RawGrpc.LogsExport, OtlpSamples.LogsBytes()));

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.NotNull(RawGrpc.RetryDelay(e));
    }

    [Fact]
    public async Task Oversize_message_is_RESOURCE_EXHAUSTED_without_retry_info_and_never_reaches_the_pipeline()
    {
        await using var collector = await CollectorFixture.StartAsync("  max_request_bytes: 4096\n  max_decompressed_bytes: 8192\n");
        using var channel = RawGrpc.Channel(collector.GrpcAddress);
        var big = new byte[5000];
        Random.Shared.NextBytes(big);

        var e = await Assert.ThrowsAsync<RpcException>(() => RawGrpc.ExportAsync(channel, RawGrpc.LogsExport, big));

        Assert.True(StatusCode.ResourceExhausted == e.StatusCode, e.Status.ToString());
        Assert.Null(RawGrpc.RetryDelay(e));
        Assert.Equal(0, collector.Pipeline.Calls);

        // The listener keeps serving.
        await RawGrpc.ExportAsync(channel, RawGrpc.LogsExport, OtlpSamples.LogsBytes());
        Assert.Equal(1, collector.Pipeline.Calls);
    }

    [Fact]
    public async Task Compressed_message_inflating_past_the_cap_is_refused_and_bad_gzip_is_INVALID_ARGUMENT()
    {
        await using var collector = await CollectorFixture.StartAsync("  max_request_bytes: 4096\n  max_decompressed_bytes: 65536\n");
        var bomb = RawGrpc.Gzip(new byte[1_000_000]);
        Assert.True(bomb.Length < 4096);

        var (status, message) = await RawGrpc.PostFrameAsync(collector.GrpcAddress, "/opentelemetry.proto.collector.logs.v1.LogsService/Export", bomb, "gzip");
        Assert.Equal(StatusCode.ResourceExhausted, status);
        Assert.Contains("exceeds", message);

        (status, _) = await RawGrpc.PostFrameAsync(collector.GrpcAddress, "/opentelemetry.proto.collector.logs.v1.LogsService/Export", [1, 2, 3, 4, 5, 6], "gzip");
        Assert.Equal(StatusCode.InvalidArgument, status);
        Assert.Equal(0, collector.Pipeline.Calls);

        // Within the cap, a hand-compressed frame gets through inflated.
        var logs = OtlpSamples.LogsBytes(5);
        (status, _) = await RawGrpc.PostFrameAsync(collector.GrpcAddress, "/opentelemetry.proto.collector.logs.v1.LogsService/Export", RawGrpc.Gzip(logs), "gzip");
        Assert.Equal(StatusCode.OK, status);
        Assert.Equal(logs, Assert.Single(collector.Pipeline.Logs));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token")]
    [InlineData("Basic czNjcmV0LXRva2VuLTE=")]
    [InlineData("Bearer s3cret-token-1x")]
    public async Task Missing_or_wrong_token_is_UNAUTHENTICATED_and_the_right_one_still_works(string? authorization)
    {
        await using var collector = await CollectorFixture.StartAsync("  auth:\n    bearer_tokens: [\"s3cret-token-1\", \"s3cret-token-2\"]\n");
        using var channel = RawGrpc.Channel(collector.GrpcAddress);
        var headers = new Metadata();
        if (authorization is not null)
        {
            headers.Add("authorization", authorization);
        }

        var e = await Assert.ThrowsAsync<RpcException>(() => RawGrpc.ExportAsync(channel, RawGrpc.LogsExport, OtlpSamples.LogsBytes(), headers));
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Equal(0, collector.Pipeline.Calls);

        await RawGrpc.ExportAsync(channel, RawGrpc.LogsExport, OtlpSamples.LogsBytes(), new Metadata { { "authorization", "Bearer s3cret-token-2" } });
        Assert.Equal(1, collector.Pipeline.Calls);
    }

    [Fact]
    public async Task Unknown_method_is_UNIMPLEMENTED()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using var channel = RawGrpc.Channel(collector.GrpcAddress);
        var traces = new Method<byte[], byte[]>(MethodType.Unary, "opentelemetry.proto.collector.trace.v1.TraceService", "Export",
            RawGrpc.LogsExport.RequestMarshaller, RawGrpc.LogsExport.ResponseMarshaller);

        var e = await Assert.ThrowsAsync<RpcException>(() => RawGrpc.ExportAsync(channel, traces, []));

        Assert.Equal(StatusCode.Unimplemented, e.StatusCode);
    }
}
