using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Telemetry.Collector.Configuration;
using Telemetry.Collector.SelfMetrics;
using Telemetry.Collector.Tests.Hosting;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Tests.SelfMetrics;

public sealed class SelfMetricsReporterTests
{
    private static (SelfMetricsReporter Reporter, Meter Meter, ServiceProvider Services) Create(FakeTimeProvider time)
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var reporter = new SelfMetricsReporter(services, factory, Options.Create(new SelfMetricsOptions()), time, NullLogger<SelfMetricsReporter>.Instance);
        var meter = factory.Create(CollectorMeter.Name);
        return (reporter, meter, services);
    }

    [Fact]
    public async Task Counters_are_written_as_deltas_with_host_service_and_instrument_tags()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var (reporter, meter, services) = Create(time);
        using var _ = services;
        using var __ = reporter;
        var sink = new FakePointSink();
        var counter = meter.CreateCounter<long>("telemetry.collector.records.received");

        counter.Add(3, new KeyValuePair<string, object?>("signal", "logs"));
        counter.Add(4, new KeyValuePair<string, object?>("signal", "logs"));
        counter.Add(1, new KeyValuePair<string, object?>("signal", "metrics"));
        Assert.Equal(2, await reporter.ReportOnceAsync(sink, CancellationToken.None));
        counter.Add(5, new KeyValuePair<string, object?>("signal", "logs"));
        time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(2, await reporter.ReportOnceAsync(sink, CancellationToken.None));

        var host = Environment.MachineName;
        Assert.Equal(
        [
            $"telemetry.collector.records.received,host={host},signal=logs,service=telemetry-collector value=7 1800000000000000000",
            $"telemetry.collector.records.received,host={host},signal=metrics,service=telemetry-collector value=1 1800000000000000000",
            $"telemetry.collector.records.received,host={host},signal=logs,service=telemetry-collector value=5 1800000015000000000",
            $"telemetry.collector.records.received,host={host},signal=metrics,service=telemetry-collector value=0 1800000015000000000",
        ], sink.Lines.ToArray());
    }

    [Fact]
    public async Task Histograms_are_written_with_count_sum_min_max_and_percentiles()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var (reporter, meter, services) = Create(time);
        using var _ = services;
        using var __ = reporter;
        var sink = new FakePointSink();
        var histogram = meter.CreateHistogram<double>("telemetry.collector.request.duration");
        for (var i = 1; i <= 101; i++)
        {
            histogram.Record(i / 100.0);
        }

        Assert.Equal(1, await reporter.ReportOnceAsync(sink, CancellationToken.None));
        Assert.Equal(0, await reporter.ReportOnceAsync(sink, CancellationToken.None));

        var line = Assert.Single(sink.Lines);
        Assert.Equal(
            $"telemetry.collector.request.duration,host={Environment.MachineName},service=telemetry-collector count=101i,sum=51.51,min=0.01,max=1.01,p50=0.51,p90=0.91,p99=1 1800000000000000000",
            line);
    }

    [Fact]
    public async Task Gauges_report_their_last_value_and_foreign_meters_are_ignored()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var (reporter, meter, services) = Create(time);
        using var _ = services;
        using var __ = reporter;
        using var foreign = new Meter("Some.Other.Library");
        foreign.CreateCounter<long>("other.count").Add(1);
        var depth = 42;
        meter.CreateObservableGauge("telemetry.collector.queue.points", () => depth);
        var sink = new FakePointSink();

        await reporter.ReportOnceAsync(sink, CancellationToken.None);
        depth = 7;
        await reporter.ReportOnceAsync(sink, CancellationToken.None);

        Assert.Equal(2, sink.Lines.Count);
        Assert.All(sink.Lines, l => Assert.StartsWith("telemetry.collector.queue.points,", l));
        Assert.Contains(" value=42 ", sink.Lines.First());
        Assert.Contains(" value=7 ", sink.Lines.Last());
    }

    [Fact]
    public async Task Receiver_requests_show_up_in_self_metrics_of_a_running_collector()
    {
        await using var collector = await CollectorFixture.StartAsync(rootYaml: "self_metrics:\n  enabled: true\n  interval: 00:00:01\n");
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };
        var content = new ByteArrayContent(OtlpSamples.LogsBytes());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-protobuf");
        using var response = await client.PostAsync("/v1/logs", content);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!collector.Sink.Lines.Any(l => l.StartsWith("telemetry.collector.requests,", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var line = Assert.Single(collector.Sink.Lines, l => l.StartsWith("telemetry.collector.requests,", StringComparison.Ordinal));
        Assert.Contains(",outcome=ok,", line);
        Assert.Contains(",protocol=http,", line);
        Assert.Contains(",signal=logs,", line);
        Assert.Contains(" value=1 ", line);
    }
}
