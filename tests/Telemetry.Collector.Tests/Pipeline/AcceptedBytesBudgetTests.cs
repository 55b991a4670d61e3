using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Telemetry.Collector.Tests.Hosting;
using static Telemetry.Collector.Tests.Mapping.Otlp;

namespace Telemetry.Collector.Tests.Pipeline;

/// <summary>
/// <c>influxdb.queue_max_bytes</c> seen from a sender: while InfluxDB has not stored what the collector
/// accepted, a new Export that does not fit is refused as overloaded in both protocols (the agent backs off
/// and keeps its data), and admitted again once the held one is written.
/// </summary>
public sealed class AcceptedBytesBudgetTests
{
    private const ulong Time = 1_700_000_000_000_000_000;

    private const string SmallBudget = """
        self_metrics:
          enabled: false
        influxdb:
          queue_max_bytes: 65536
          batch_max_bytes: 65536

        """;

    private static byte[] Export(int records, ulong first) =>
        Bytes(Request(Enumerable.Range(0, records).Select(i => Record(first + (ulong)i, AccessLogAttributes(path: "/p/" + i))).ToArray()));

    [Fact]
    public async Task While_influxdb_stalls_an_export_over_the_budget_is_refused_over_grpc_and_http_and_admitted_after_the_write()
    {
        await using var collector = await CollectorFixture.StartAsync(rootYaml: SmallBudget, realPipeline: true);
        var stall = new TaskCompletionSource();
        collector.Sink.Gate = stall.Task;
        using var channel = RawGrpc.Channel(collector.GrpcAddress);
        using var http = new HttpClient { BaseAddress = collector.HttpAddress };

        // 200 records: about 40 KB of protobuf and 35 KB of line protocol, held until InfluxDB answers.
        var held = RawGrpc.ExportAsync(channel, RawGrpc.LogsExport, Export(200, Time));
        while (collector.Sink.Lines.IsEmpty)
        {
            await Task.Delay(10);
        }

        var grpc = await Assert.ThrowsAsync<RpcException>(() => RawGrpc.ExportAsync(channel, RawGrpc.LogsExport, Export(2, Time + 1000)));
        var content = new ByteArrayContent(Export(2, Time + 2000));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var refused = await http.PostAsync("/v1/logs", content);

        Assert.True(grpc.StatusCode == StatusCode.ResourceExhausted, grpc.Status.ToString());
        Assert.Equal(TimeSpan.FromSeconds(1), RawGrpc.RetryDelay(grpc));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.False(held.IsCompleted);
        Assert.Equal(200, collector.Sink.Lines.Count);

        stall.SetResult();
        await held;
        await RawGrpc.ExportAsync(channel, RawGrpc.LogsExport, Export(2, Time + 1000));
        Assert.Equal(202, collector.Sink.Lines.Count);
    }
}
