using System.Diagnostics.Metrics;
using Telemetry.Collector.SelfMetrics;

namespace Telemetry.Collector.Receiving;

/// <summary>The receiver's instruments on the <c>Telemetry.Collector</c> meter.</summary>
public sealed class ReceiverMetrics
{
    private readonly Counter<long> _requests;
    private readonly Counter<long> _rejected;
    private readonly Histogram<long> _requestBytes;
    private readonly Histogram<double> _duration;

    public ReceiverMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(CollectorMeter.Name);
        _requests = meter.CreateCounter<long>("telemetry.collector.requests", "{request}",
            "Export requests answered, by protocol, signal and outcome (ok, partial, invalid, unavailable, overloaded, too_large, unauthenticated, unsupported_media_type, cancelled).");
        _rejected = meter.CreateCounter<long>("telemetry.collector.records.rejected", "{record}",
            "Log records or data points rejected for cause and reported in partial_success.");
        _requestBytes = meter.CreateHistogram<long>("telemetry.collector.request.size", "By",
            "Size of Export request bodies as received (before decompression).");
        _duration = meter.CreateHistogram<double>("telemetry.collector.request.duration", "s",
            "Time from a request's arrival to its answer, including the wait for InfluxDB.");
    }

    public void Answered(string protocol, OtlpSignal signal, in ExportAnswer answer, long bodyBytes, TimeSpan elapsed)
    {
        var signalName = signal == OtlpSignal.Logs ? "logs" : "metrics";
        _requests.Add(1,
            new KeyValuePair<string, object?>("protocol", protocol),
            new KeyValuePair<string, object?>("signal", signalName),
            new KeyValuePair<string, object?>("outcome", answer.Outcome));
        if (answer.Rejected > 0)
        {
            _rejected.Add(answer.Rejected, new KeyValuePair<string, object?>("signal", signalName));
        }

        if (bodyBytes > 0)
        {
            _requestBytes.Record(bodyBytes,
                new KeyValuePair<string, object?>("protocol", protocol),
                new KeyValuePair<string, object?>("signal", signalName));
        }

        _duration.Record(elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("protocol", protocol),
            new KeyValuePair<string, object?>("signal", signalName));
    }
}
