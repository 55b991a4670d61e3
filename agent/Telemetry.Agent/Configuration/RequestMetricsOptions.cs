using Microsoft.Extensions.Configuration;

namespace Telemetry.Agent.Configuration;

/// <summary>Per-interval request aggregates computed from parsed lines (YAML <c>request_metrics</c>).</summary>
public sealed class RequestMetricsOptions
{
    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>Export interval of the aggregates.</summary>
    [ConfigurationKeyName("interval")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Distinct virtual hosts kept as their own series; further ones are reported as <c>other</c>.</summary>
    [ConfigurationKeyName("max_vhosts")]
    public int MaxVhosts { get; set; } = 256;
}
