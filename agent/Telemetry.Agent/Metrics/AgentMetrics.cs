using System.Diagnostics.Metrics;

namespace Telemetry.Agent.Metrics;

/// <summary>
/// The agent's self-metrics (Meter <c>Telemetry.Agent</c>): the contract operators alert on.
/// Every instrument lives here; names are <c>telemetry.agent.*</c>.
/// </summary>
public sealed class AgentMetrics : IDisposable
{
    public const string MeterName = "Telemetry.Agent";

    private readonly Meter _meter;
    private readonly Counter<long> _linesRead;
    private readonly Counter<long> _linesParsed;
    private readonly Counter<long> _linesMalformed;
    private readonly Counter<long> _linesTruncated;
    private readonly Counter<long> _recordsShipped;
    private readonly Counter<long> _recordsAcknowledged;
    private readonly Counter<long> _recordsRejected;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _truncations;
    private readonly Counter<long> _bytesLost;
    private readonly Histogram<double> _exportDuration;
    private Func<IEnumerable<Measurement<long>>>? _lag;
    private Func<int>? _filesTracked;
    private Func<double>? _checkpointAge;
    private Func<int>? _batchesInFlight;

    public AgentMetrics()
    {
        _meter = new Meter(MeterName);
        _linesRead = _meter.CreateCounter<long>("telemetry.agent.lines.read", "{line}", "Lines read from log files");
        _linesParsed = _meter.CreateCounter<long>("telemetry.agent.lines.parsed", "{line}", "Lines that matched their format");
        _linesMalformed = _meter.CreateCounter<long>("telemetry.agent.lines.malformed", "{line}", "Lines that did not match their format (sent with the raw line as body)");
        _linesTruncated = _meter.CreateCounter<long>("telemetry.agent.lines.truncated", "{line}", "Lines longer than max_line_bytes, cut to that length");
        _recordsShipped = _meter.CreateCounter<long>("telemetry.agent.lines.shipped", "{record}", "Log records handed to the exporter");
        _recordsAcknowledged = _meter.CreateCounter<long>("telemetry.agent.lines.acknowledged", "{record}", "Log records the collector acknowledged as stored");
        _recordsRejected = _meter.CreateCounter<long>("telemetry.agent.lines.rejected", "{record}", "Log records the collector refused for good (partial success or invalid request): the only counted loss of delivered lines");
        _retries = _meter.CreateCounter<long>("telemetry.agent.delivery.failures", "{failure}", "Exports that failed with an unexpected exception (the batch is tried again)");
        _truncations = _meter.CreateCounter<long>("telemetry.agent.files.truncations", "{truncation}", "Files found shorter than their read position, or no longer beginning with the bytes read (copytruncate, a copy written over); read again");
        _bytesLost = _meter.CreateCounter<long>("telemetry.agent.bytes.lost", "By", "Bytes a rotated or deleted file still held when it was released because reading it kept failing");
        _exportDuration = _meter.CreateHistogram<double>("telemetry.agent.delivery.duration", "s", "Time from handing a batch to the exporter until the collector's final answer, retries included (one attempt: telemetry.agent.export.duration)");
        _meter.CreateObservableGauge("telemetry.agent.file.lag", () => _lag?.Invoke() ?? [], "By", "Bytes between the read position and the end of each tailed file");
        _meter.CreateObservableGauge("telemetry.agent.files.tracked", () => _filesTracked?.Invoke() ?? 0, "{file}", "Files being tailed (including rotated files still draining)");
        _meter.CreateObservableGauge("telemetry.agent.checkpoint.age", () => _checkpointAge?.Invoke() ?? 0, "s", "Seconds since the checkpoint file was last written with new progress");
        _meter.CreateObservableGauge("telemetry.agent.batches.in_flight", () => _batchesInFlight?.Invoke() ?? 0, "{batch}", "Batches sent and not yet acknowledged");
    }

    internal Meter Meter => _meter;

    public void LinesRead(long n) => _linesRead.Add(n);

    public void LinesParsed(long n) => _linesParsed.Add(n);

    public void LinesMalformed(long n) => _linesMalformed.Add(n);

    public void LinesTruncated(long n) => _linesTruncated.Add(n);

    public void RecordsShipped(long n) => _recordsShipped.Add(n);

    public void RecordsAcknowledged(long n) => _recordsAcknowledged.Add(n);

    public void RecordsRejected(long n) => _recordsRejected.Add(n);

    public void DeliveryFailed(long n) => _retries.Add(n);

    public void Truncated() => _truncations.Add(1);

    public void BytesLost(long n) => _bytesLost.Add(n);

    public void DeliveryDuration(TimeSpan elapsed) => _exportDuration.Record(elapsed.TotalSeconds);

    /// <summary>Connects the observable gauges to the tailer's state.</summary>
    public void Observe(Func<IEnumerable<Measurement<long>>> lag, Func<int> filesTracked, Func<double> checkpointAge, Func<int> batchesInFlight)
    {
        _lag = lag;
        _filesTracked = filesTracked;
        _checkpointAge = checkpointAge;
        _batchesInFlight = batchesInFlight;
    }

    public void Dispose() => _meter.Dispose();
}
