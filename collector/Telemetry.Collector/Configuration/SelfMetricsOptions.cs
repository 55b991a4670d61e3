using Microsoft.Extensions.Configuration;

namespace Telemetry.Collector.Configuration;

/// <summary>The collector's own metrics, written to InfluxDB (YAML section <c>self_metrics</c>).</summary>
public sealed class SelfMetricsOptions
{
    public const string SectionName = "self_metrics";

    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>How often the aggregated instruments are written.</summary>
    [ConfigurationKeyName("interval")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);
}
