using System.Diagnostics.Metrics;

namespace Telemetry.Collector.Writing;

/// <summary>The write stage's instruments on the collector's Meter <c>Telemetry.Collector</c>.</summary>
public sealed class WriterMetrics
{
    public const string MeterName = "Telemetry.Collector";

    private readonly Counter<long> _written;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _overloaded;
    private readonly Histogram<double> _latency;
    private readonly Histogram<long> _batchSize;
    private long _queueDepth;

    public WriterMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _written = meter.CreateCounter<long>("telemetry.collector.points.written", "{point}", "Points InfluxDB stored.");
        _rejected = meter.CreateCounter<long>("telemetry.collector.points.rejected", "{point}", "Points InfluxDB refused for cause (type conflict, bad value), dropped.");
        _failed = meter.CreateCounter<long>("telemetry.collector.points.failed", "{point}", "Points not written because InfluxDB was unavailable; callers were told to retry.");
        _overloaded = meter.CreateCounter<long>("telemetry.collector.points.overloaded", "{point}", "Points refused because the write queue was full.");
        _retries = meter.CreateCounter<long>("telemetry.collector.write.retries", "{request}", "Write requests retried after a retryable failure.");
        _latency = meter.CreateHistogram<double>("telemetry.collector.write.duration", "s", "Duration of InfluxDB write requests, including retries and isolation.");
        _batchSize = meter.CreateHistogram<long>("telemetry.collector.write.batch_size", "{point}", "Points per InfluxDB write batch.");
        meter.CreateObservableGauge("telemetry.collector.write.queue_depth", () => Interlocked.Read(ref _queueDepth), "{point}", "Points accepted and not yet written.");
    }

    public void Written(long points) => _written.Add(points);

    public void Rejected(long points) => _rejected.Add(points);

    public void Failed(long points) => _failed.Add(points);

    public void Overloaded(long points) => _overloaded.Add(points);

    public void Retried() => _retries.Add(1);

    public void Batch(long points, TimeSpan duration)
    {
        _batchSize.Record(points);
        _latency.Record(duration.TotalSeconds);
    }

    public void QueueDepth(long points) => Interlocked.Exchange(ref _queueDepth, points);
}
