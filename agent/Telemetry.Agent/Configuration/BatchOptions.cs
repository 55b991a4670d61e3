using Microsoft.Extensions.Configuration;

namespace Telemetry.Agent.Configuration;

/// <summary>How log records are grouped into Export requests (YAML <c>batch</c>).</summary>
public sealed class BatchOptions
{
    /// <summary>A batch is sent once it holds this many records.</summary>
    [ConfigurationKeyName("max_records")]
    public int MaxRecords { get; set; } = 2048;

    /// <summary>A batch is sent before its encoded size passes this many bytes. 256 KiB (about 450 access-log
    /// records) keeps the agent's memory under load small (docs/performance.md) at no cost in CPU per line.</summary>
    [ConfigurationKeyName("max_bytes")]
    public int MaxBytes { get; set; } = 256 * 1024;

    /// <summary>A batch is sent at the latest this long after its first record.</summary>
    [ConfigurationKeyName("max_delay")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Batches exported concurrently and not yet acknowledged; when all are out, reading stops
    /// (memory stays below about (max_in_flight + 3) x max_bytes). One agent's rate is bounded by
    /// max_in_flight x records per batch / the collector's acknowledgement time (its flush_interval plus one
    /// InfluxDB write): 8 x ~450 records / ~0.4 s is about 9,000 lines/s; 4 capped it near 5,000.</summary>
    [ConfigurationKeyName("max_in_flight")]
    public int MaxInFlight { get; set; } = 8;
}
