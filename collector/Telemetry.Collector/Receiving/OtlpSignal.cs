namespace Telemetry.Collector.Receiving;

/// <summary>The two OTLP signals the collector receives.</summary>
public enum OtlpSignal
{
    Logs,
    Metrics,
}
