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
    /// (memory stays below about (max_in_flight + 2) x max_bytes).</summary>
    [ConfigurationKeyName("max_in_flight")]
    public int MaxInFlight { get; set; } = 4;
}
