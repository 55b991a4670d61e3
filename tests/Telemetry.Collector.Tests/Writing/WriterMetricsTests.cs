using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Collector.Writing;
using Telemetry.TestKit.InfluxDb;
using static Telemetry.Collector.Tests.Writing.WritingTestKit;

namespace Telemetry.Collector.Tests.Writing;

public sealed class WriterMetricsTests
{
    [Fact]
    public async Task Written_rejected_and_retried_points_are_counted_on_the_collector_meter()
    {
        await using var fake = new RecordingInfluxListener();
        fake.Enqueue(HttpStatusCode.ServiceUnavailable, "busy");
        fake.Enqueue(HttpStatusCode.BadRequest, "partial write: field type conflict: input field \"v\" on measurement \"m\" is type string, already exists as type float dropped=1");
        // A meter factory of its own: other tests write on meters named Telemetry.Collector at the same time.
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var metrics = new WriterMetrics(factory);
        var seen = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WriterMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => { lock (seen) { seen[i.Name] = seen.GetValueOrDefault(i.Name) + v; } });
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => { lock (seen) { seen[i.Name] = seen.GetValueOrDefault(i.Name) + 1; } });
        listener.Start();
        var writer = Writer(V1(fake.Url, "db"), metrics: metrics);

        var outcome = await writer.WriteAsync(Lines("m v=1 1", "m v=\"x\" 2", "m v=3 3"), default);

        Assert.Single(outcome.Rejections);
        Assert.Equal(2, seen["telemetry.collector.points.written"]);
        Assert.Equal(1, seen["telemetry.collector.points.rejected"]);
        Assert.Equal(1, seen["telemetry.collector.write.retries"]);
        Assert.Equal(3, seen["telemetry.collector.write.batch_size"]);
        Assert.Equal(1, seen["telemetry.collector.write.duration"]);
    }
}
