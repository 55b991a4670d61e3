namespace Telemetry.Collector.SelfMetrics;

/// <summary>The name of the collector's one meter; every stage creates its instruments on it through
/// <see cref="System.Diagnostics.Metrics.IMeterFactory"/>, and <see cref="SelfMetricsReporter"/> writes them.</summary>
public static class CollectorMeter
{
    public const string Name = "Telemetry.Collector";
}
