namespace Telemetry.Collector.SelfMetrics;

/// <summary>One aggregated series (instrument + tag set) of one interval, ready to be written as a point.</summary>
/// <param name="Name">The instrument name, used as the measurement (<c>telemetry.collector.requests</c>).</param>
/// <param name="Tags">Instrument tags, sorted by key, values as strings.</param>
/// <param name="Value">Counters: the delta of the interval; up-down counters: the running total; gauges: the last value.</param>
/// <param name="Histogram">Set for histograms instead of <paramref name="Value"/>.</param>
public sealed record MetricSeries(string Name, KeyValuePair<string, string>[] Tags, double Value, HistogramSummary? Histogram);

/// <summary>What a histogram recorded in one interval; percentiles are estimated from a bounded sample.</summary>
public sealed record HistogramSummary(long Count, double Sum, double Min, double Max, double P50, double P90, double P99);
