using System.Net;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Collector.Writing;
using Telemetry.TestKit.InfluxDb;

namespace Telemetry.IntegrationTests.Collector;

/// <summary>
/// The write queue full (InfluxDB hung while a request holds the whole <c>queue_max_points</c> credit): further
/// exports are RESOURCE_EXHAUSTED with RetryInfo / 429 with Retry-After at once, nothing of them is stored, the
/// request already accepted is stored when InfluxDB answers again, and the refused requests sent again are stored.
/// </summary>
public sealed class CollectorOverloadTests
{
    private const long T0 = 1_800_000_000_000_000_000;

    [Fact]
    public async Task Full_write_queue_is_RESOURCE_EXHAUSTED_and_429_with_retry_info_and_both_retries_are_stored()
    {
        await using var influx = await InfluxDbServer.StartNewAsync();
        await using var collector = await CollectorHost.StartAsync(influx,
            extraYaml: "  batch_max_points: 5\n  queue_max_points: 5\n", writeTimeout: "00:00:30");
        var queue = collector.App.Services.GetRequiredService<InfluxWriteQueue>();
        using var channel = OtlpRequests.Channel(collector.GrpcAddress);
        using var http = new HttpClient { BaseAddress = collector.HttpAddress };
        var overGrpc = OtlpRequests.AccessLog(1, T0 + 100, pathPrefix: "/grpc/");
        var overHttp = OtlpRequests.AccessLog(1, T0 + 200, pathPrefix: "/http/");

        Task<byte[]> holder;
        await using (var pause = await InfluxdPause.StartAsync(influx))
        {
            holder = OtlpRequests.ExportAsync(channel, OtlpRequests.AccessLog(5, T0));
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (queue.QueuedPoints < 5 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.Equal(5, queue.QueuedPoints);

            var e = await Assert.ThrowsAsync<RpcException>(() => OtlpRequests.ExportAsync(channel, overGrpc));
            Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
            Assert.True(OtlpRequests.RetryDelay(e) > TimeSpan.Zero, "RetryInfo makes RESOURCE_EXHAUSTED retryable");

            using (var refused = await OtlpRequests.PostAsync(http, overHttp))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After: " + refused.Headers.RetryAfter);
            }

            Assert.False(holder.IsCompleted);
        }

        await holder; // InfluxDB answers again: the accepted request is stored and answered OK.
        await OtlpRequests.ExportAsync(channel, overGrpc);
        using (var retried = await OtlpRequests.PostAsync(http, overHttp))
        {
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        }

        var paths = await CollectorRefusalTests.StoredPathsAsync(influx, collector.Database);
        Assert.Equal(["/item/0", "/item/1", "/item/2", "/item/3", "/item/4", "/grpc/0", "/http/0"], paths);
    }
}
