using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Telemetry.Collector.Configuration;
using Telemetry.Collector.Mapping;
using Telemetry.Collector.Pipeline;
using Telemetry.Collector.Writing;
using static Telemetry.Collector.Tests.Mapping.Otlp;

namespace Telemetry.Collector.Tests.Pipeline;

public sealed class ExportPipelineTests
{
    private const ulong Time = 1_700_000_000_000_000_000;

    private static (IExportPipeline Pipeline, FakeSink Sink, ServiceProvider Services) Build(WriteResult result, Dictionary<string, string?>? config = null, AcceptedBytesBudget? budget = null)
    {
        var sink = new FakeSink(result);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(config ?? []).Build();
        var collection = new ServiceCollection();
        if (budget is not null)
        {
            collection.AddSingleton(budget);
        }

        var services = collection
            .AddLogging()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)))
            .AddSingleton<IPointSink>(sink)
            .AddMapping(configuration)
            .BuildServiceProvider();
        return (services.GetRequiredService<IExportPipeline>(), sink, services);
    }

    private static byte[] TwoRecords() => Bytes(Request(Record(Time, AccessLogAttributes()), Record(Time + 1, AccessLogAttributes(path: "/"))));

    [Fact]
    public async Task Sink_success_answers_ok_only_after_the_points_were_written()
    {
        var (pipeline, sink, services) = Build(new WriteResult(WriteStatus.Written));
        using var _ = services;
        var gate = new TaskCompletionSource();
        sink.Gate = gate.Task;

        var pending = pipeline.ExportLogsAsync(TwoRecords(), CancellationToken.None);
        Assert.False(pending.IsCompleted);

        gate.SetResult();
        var result = await pending;
        Assert.Equal(ExportResult.Success, result);
        Assert.Equal(2, sink.Calls.Single().Count);
        Assert.Equal(2, sink.Calls.Single().Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith("http_requests,host=web-1,service=nginx,method=GET,status=200", sink.Calls.Single().Text);
    }

    [Fact]
    public async Task Points_refused_by_influxdb_are_reported_as_partial_success()
    {
        var (pipeline, _, services) = Build(new WriteResult(WriteStatus.Written, 1, "field type conflict"));
        using var _s = services;
        var result = await pipeline.ExportLogsAsync(TwoRecords(), CancellationToken.None);
        Assert.Equal(ExportResult.Partial(1, "1 points refused by InfluxDB: field type conflict"), result);
    }

    [Fact]
    public async Task Records_rejected_by_mapping_and_by_influxdb_add_up()
    {
        var (pipeline, sink, services) = Build(
            new WriteResult(WriteStatus.Written, 1, "bad"),
            new() { ["limits:max_attributes_per_record"] = "10" });
        using var _s = services;
        var tooMany = Record(Time, Enumerable.Range(0, 11).Select(i => Attr("a" + i, (long)i)).ToArray());
        var result = await pipeline.ExportLogsAsync(Bytes(Request(Record(Time, AccessLogAttributes()), tooMany)), CancellationToken.None);

        Assert.Equal(ExportStatus.Ok, result.Status);
        Assert.Equal(2, result.Rejected);
        Assert.Equal("a log record has 11 attributes, more than limits.max_attributes_per_record (10); 1 points refused by InfluxDB: bad", result.Message);
        Assert.Equal(1, sink.Calls.Single().Count);
    }

    [Fact]
    public async Task Store_down_answers_unavailable_with_retry_after()
    {
        var (pipeline, _, services) = Build(new WriteResult(WriteStatus.Unavailable, 0, "connection refused", TimeSpan.FromSeconds(7)));
        using var _s = services;
        var result = await pipeline.ExportLogsAsync(TwoRecords(), CancellationToken.None);
        Assert.Equal(ExportResult.Unavailable("connection refused", TimeSpan.FromSeconds(7)), result);
    }

    [Fact]
    public async Task Full_queue_answers_overloaded_with_retry_after()
    {
        var (pipeline, _, services) = Build(new WriteResult(WriteStatus.Overloaded));
        using var _s = services;
        var result = await pipeline.ExportLogsAsync(TwoRecords(), CancellationToken.None);
        Assert.Equal(ExportStatus.ResourceExhausted, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(1), result.RetryAfter);
    }

    [Fact]
    public async Task Undecodable_request_is_invalid_and_nothing_is_written()
    {
        var (pipeline, sink, services) = Build(new WriteResult(WriteStatus.Written));
        using var _s = services;
        var bytes = TwoRecords();
        var result = await pipeline.ExportLogsAsync(bytes.AsMemory(0, bytes.Length - 5), CancellationToken.None);
        Assert.Equal(ExportStatus.InvalidArgument, result.Status);
        Assert.StartsWith("ExportLogsServiceRequest", result.Message);
        Assert.Empty(sink.Calls);

        var metrics = await pipeline.ExportMetricsAsync(new byte[] { 0x0A, 0x05, 0x01 }, CancellationToken.None);
        Assert.Equal(ExportStatus.InvalidArgument, metrics.Status);
        Assert.Empty(sink.Calls);
    }

    [Fact]
    public async Task Empty_request_is_ok_without_a_write()
    {
        var (pipeline, sink, services) = Build(new WriteResult(WriteStatus.Unavailable));
        using var _s = services;
        Assert.Equal(ExportResult.Success, await pipeline.ExportLogsAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None));
        Assert.Empty(sink.Calls);
    }

    [Fact]
    public async Task Cancellation_reaches_the_sink()
    {
        var (pipeline, sink, services) = Build(new WriteResult(WriteStatus.Written));
        using var _s = services;
        sink.Gate = Task.Delay(Timeout.Infinite, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var pending = pipeline.ExportLogsAsync(TwoRecords(), cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }

    [Fact]
    public async Task Mapping_metrics_count_received_mapped_and_rejected()
    {
        var (pipeline, _, services) = Build(new WriteResult(WriteStatus.Written, 1, "bad"), new() { ["limits:max_attributes_per_record"] = "12" });
        using var _s = services;
        var measurements = new List<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MappingMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var dict = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                dict[tag.Key] = tag.Value;
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, value, dict));
            }
        });
        listener.Start();
        var plain = Record(Time);
        plain.Body = new OpenTelemetry.Proto.Common.V1.AnyValue { StringValue = "hello" };

        var tooMany = Record(Time, Enumerable.Range(0, 13).Select(i => Attr("a" + i, (long)i)).ToArray());
        await pipeline.ExportLogsAsync(Bytes(Request(Record(Time, AccessLogAttributes()), plain, tooMany)), CancellationToken.None);
        await pipeline.ExportLogsAsync(new byte[] { 0x0A, 0x01 }, CancellationToken.None);

        long Sum(string name, string? tag = null, string? value = null) =>
            measurements.Where(m => m.Instrument == name && (tag is null || (string?)m.Tags[tag] == value)).Sum(m => m.Value);
        Assert.Equal(3, Sum("telemetry.collector.records.received"));
        Assert.Equal(1, Sum("telemetry.collector.points.mapped", "measurement", "http_requests"));
        Assert.Equal(1, Sum("telemetry.collector.points.mapped", "measurement", "logs"));
        Assert.Equal(1, Sum("telemetry.collector.mapping.rejected", "reason", "mapping"));
        Assert.Equal(1, measurements.Count(m => m.Instrument == "telemetry.collector.mapping.rejected"));
    }

    [Fact]
    public async Task An_export_beyond_queue_max_bytes_is_refused_as_overloaded_and_admitted_again_once_the_held_one_is_written()
    {
        var budget = new AcceptedBytesBudget(64 * 1024);
        var (pipeline, sink, services) = Build(new WriteResult(WriteStatus.Written), budget: budget);
        using var _s = services;
        var stalled = new TaskCompletionSource();
        sink.Gate = stalled.Task;
        var big = Bytes(Request(Enumerable.Range(0, 200).Select(i => Record(Time + (ulong)i, AccessLogAttributes(path: "/p/" + i))).ToArray()));

        var held = pipeline.ExportLogsAsync(big, CancellationToken.None);
        var refused = await pipeline.ExportLogsAsync(TwoRecords(), CancellationToken.None);

        Assert.False(held.IsCompleted);
        Assert.Equal(ExportStatus.ResourceExhausted, refused.Status);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        Assert.Contains("influxdb.queue_max_bytes", refused.Message);
        Assert.Single(sink.Calls);

        stalled.SetResult();
        Assert.Equal(ExportResult.Success, await held);
        Assert.Equal(0, budget.Held);
        Assert.Equal(ExportResult.Success, await pipeline.ExportLogsAsync(TwoRecords(), CancellationToken.None));
        Assert.Equal(2, sink.Calls.Count);
    }

    [Fact]
    public async Task While_influxdb_has_not_answered_the_budget_holds_the_request_body_and_its_line_protocol()
    {
        var budget = new AcceptedBytesBudget(64 * 1024 * 1024);
        var (pipeline, sink, services) = Build(new WriteResult(WriteStatus.Written), budget: budget);
        using var _s = services;
        var stalled = new TaskCompletionSource();
        sink.Gate = stalled.Task;
        sink.HeldProbe = () => budget.Held;
        var request = TwoRecords();

        var pending = pipeline.ExportLogsAsync(request, CancellationToken.None);
        stalled.SetResult();
        await pending;

        Assert.Equal(request.Length + Encoding.UTF8.GetByteCount(sink.Calls.Single().Text), sink.HeldWhileWaiting);
        Assert.Equal(0, budget.Held);
    }

    [Fact]
    public async Task When_the_client_goes_away_its_queued_line_protocol_stays_in_the_budget_until_written()
    {
        var budget = new AcceptedBytesBudget(64 * 1024 * 1024);
        var (pipeline, sink, services) = Build(new WriteResult(WriteStatus.Written), budget: budget);
        using var _s = services;
        var stalled = new TaskCompletionSource();
        sink.Gate = stalled.Task;
        using var client = new CancellationTokenSource();

        var pending = pipeline.ExportLogsAsync(TwoRecords(), client.Token);
        Assert.False(pending.IsCompleted);
        await client.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);

        // The request body is given back with the call; the points are still queued for InfluxDB.
        Assert.Equal(Encoding.UTF8.GetByteCount(sink.Calls.Single().Text), budget.Held);

        stalled.SetResult();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (budget.Held != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(0, budget.Held);
    }

    [Theory]
    [InlineData(WriteStatus.Unavailable)]
    [InlineData(WriteStatus.Overloaded)]
    public async Task A_failed_write_gives_its_bytes_back(WriteStatus status)
    {
        var budget = new AcceptedBytesBudget(64 * 1024);
        var (pipeline, _, services) = Build(new WriteResult(status, 0, "down", TimeSpan.FromSeconds(1)), budget: budget);
        using var _s = services;

        await pipeline.ExportLogsAsync(TwoRecords(), CancellationToken.None);
        var bytes = TwoRecords();
        await pipeline.ExportLogsAsync(bytes.AsMemory(0, bytes.Length - 5), CancellationToken.None);

        Assert.Equal(0, budget.Held);
    }

    [Fact]
    public void Invalid_configuration_refuses_to_start_naming_the_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Build(new WriteResult(WriteStatus.Written), new() { ["enrichment:max_routes"] = "0" }));
        Assert.Equal("enrichment.max_routes: must be between 1 and 1000000, got 0", error.Message);
    }

    [Fact]
    public async Task Yaml_keys_bind_to_limits_and_enrichment()
    {
        var (pipeline, sink, services) = Build(new WriteResult(WriteStatus.Written), new()
        {
            ["enrichment:static_tags:env"] = "prod",
            ["enrichment:route_rules:0"] = "/static/**",
            ["limits:max_string_length"] = "20",
        });
        using var _s = services;
        await pipeline.ExportLogsAsync(Bytes(Request(Record(Time, Attr("url.path", "/static/" + new string('x', 30))))), CancellationToken.None);
        Assert.Equal(
            "http_requests,host=web-1,service=nginx,route=/static/**,env=prod path=\"/static/xxxxxxxxxxxx\" 1700000000000000000\n",
            sink.Calls.Single().Text);
    }

    private sealed class FakeSink(WriteResult result) : IPointSink
    {
        public List<(string Text, int Count)> Calls { get; } = [];

        public Task Gate { get; set; } = Task.CompletedTask;

        /// <summary>Bytes the pipeline's budget held while the last call was waiting at <see cref="Gate"/>.</summary>
        public Func<long>? HeldProbe { get; set; }

        public long HeldWhileWaiting { get; private set; }

        public ValueTask<WriteResult> WriteAsync(ReadOnlyMemory<byte> points, int pointCount, CancellationToken cancellationToken)
        {
            // Like the write queue: the points are copied before the call returns, the caller may reuse its buffer.
            Calls.Add((Encoding.UTF8.GetString(points.Span), pointCount));
            return WaitAsync(cancellationToken);
        }

        private async ValueTask<WriteResult> WaitAsync(CancellationToken cancellationToken)
        {
            await Gate.WaitAsync(cancellationToken);
            HeldWhileWaiting = HeldProbe?.Invoke() ?? 0;
            return result;
        }
    }
}
