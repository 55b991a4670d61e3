using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Telemetry.Agent.Delivery;

namespace Telemetry.Agent.Observability;

/// <summary>
/// The exporter's self-metrics on the <c>Telemetry.Agent</c> meter (created through <see cref="IMeterFactory"/>,
/// so it is the same meter the rest of the agent's self-telemetry uses):
/// <list type="bullet">
/// <item><c>telemetry.agent.export.duration</c> (histogram, s): one Export attempt, by <c>rpc.grpc.status_code</c>.</item>
/// <item><c>telemetry.agent.export.retries</c> (counter): retries scheduled, by <c>rpc.grpc.status_code</c> and
/// <c>error.type</c> (transient | operator_fixable).</item>
/// <item><c>telemetry.agent.export.consecutive_failures</c> (gauge): failed attempts since the last success;
/// alert when it stays above zero.</item>
/// </list>
/// The last error is kept for the agent's health output.
/// </summary>
public sealed class ExportInstruments : IExportObserver
{
    public const string MeterName = "Telemetry.Agent";

    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _retries;
    private readonly TimeProvider _time;
    private long _consecutiveFailures;
    private ExportError? _lastError;

    public ExportInstruments(IMeterFactory meterFactory, TimeProvider time)
    {
        _time = time;
        var meter = meterFactory.Create(MeterName);
        _duration = meter.CreateHistogram(
            "telemetry.agent.export.duration",
            unit: "s",
            description: "Duration of one OTLP Export attempt to the collector",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _retries = meter.CreateCounter<long>(
            "telemetry.agent.export.retries",
            unit: "{retry}",
            description: "Export retries scheduled after a failed attempt");
        meter.CreateObservableGauge(
            "telemetry.agent.export.consecutive_failures",
            () => Volatile.Read(ref _consecutiveFailures),
            unit: "{attempt}",
            description: "Failed Export attempts since the last success");
    }

    /// <summary>The most recent failure, or null if none happened since start.</summary>
    public ExportError? LastError => Volatile.Read(ref _lastError);

    public long ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    public void AttemptCompleted(StatusCode status, TimeSpan duration)
    {
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("rpc.grpc.status_code", (int)status));
        if (status == StatusCode.OK)
        {
            Volatile.Write(ref _consecutiveFailures, 0);
        }
        else
        {
            Interlocked.Increment(ref _consecutiveFailures);
        }
    }

    public void RetryScheduled(StatusCode status, OtlpFailureKind kind, TimeSpan delay, string message)
    {
        var tags = new TagList
        {
            { "rpc.grpc.status_code", (int)status },
            { "error.type", kind == OtlpFailureKind.OperatorFixable ? "operator_fixable" : "transient" },
        };
        _retries.Add(1, tags);
        Volatile.Write(ref _lastError, new ExportError(status, message, _time.GetUtcNow()));
    }
}

/// <summary>A failed export attempt, for health output.</summary>
public sealed record ExportError(StatusCode Status, string Message, DateTimeOffset At);
