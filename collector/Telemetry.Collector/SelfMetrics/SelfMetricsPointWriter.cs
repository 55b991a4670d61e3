using Telemetry.Collector.Writing;

namespace Telemetry.Collector.SelfMetrics;

/// <summary>Encodes aggregated series with the metrics schema of docs/influxdb-schema.md: measurement =
/// instrument name, tags <c>host</c>, <c>service=telemetry-collector</c> and the instrument's tags;
/// field <c>value</c> (float), or for histograms <c>count</c> (integer), <c>sum</c>, <c>min</c>,
/// <c>max</c>, <c>p50</c>, <c>p90</c>, <c>p99</c>.</summary>
public static class SelfMetricsPointWriter
{
    public const string ServiceName = "telemetry-collector";

    /// <summary>Writes every series as one point at <paramref name="unixNanos"/>; returns the number of points.</summary>
    public static int Write(PointEncoder encoder, IReadOnlyList<MetricSeries> series, string host, long unixNanos)
    {
        var points = 0;
        foreach (var s in series)
        {
            encoder.Begin(s.Name.AsSpan());
            encoder.Tag("host", host);
            foreach (var tag in s.Tags)
            {
                if (tag.Key is not "host" and not "service")
                {
                    encoder.Tag(tag.Key, tag.Value);
                }
            }

            encoder.Tag("service", ServiceName);
            if (s.Histogram is { } h)
            {
                encoder.Field("count", h.Count);
                encoder.Field("sum", h.Sum);
                encoder.Field("min", h.Min);
                encoder.Field("max", h.Max);
                encoder.Field("p50", h.P50);
                encoder.Field("p90", h.P90);
                encoder.Field("p99", h.P99);
            }
            else
            {
                encoder.Field("value", s.Value);
            }

            if (encoder.End(unixNanos))
            {
                points++;
            }
        }

        return points;
    }
}
