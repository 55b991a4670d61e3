using Microsoft.Extensions.Configuration;

namespace Telemetry.Collector.Configuration;

/// <summary>The <c>limits</c> section: bounds on what one Export request may carry.</summary>
public sealed class LimitsOptions
{
    public const string SectionName = "limits";

    /// <summary>A request with more log records (or metric data points) than this is refused whole with
    /// INVALID_ARGUMENT: the sender must split its batches (the agent's <c>batch.max_records</c> is far below).</summary>
    [ConfigurationKeyName("max_records_per_request")]
    public int MaxRecordsPerRequest { get; set; } = 100_000;

    /// <summary>Longest string value written, in UTF-8 bytes; longer ones are cut at a character boundary
    /// and counted (<c>telemetry.collector.strings.truncated</c>). The record is still stored.</summary>
    [ConfigurationKeyName("max_string_length")]
    public int MaxStringLength { get; set; } = 65_536;

    /// <summary>A log record with more attributes than this is rejected (counted in the Export's
    /// <c>partial_success</c>); the rest of the request is stored.</summary>
    [ConfigurationKeyName("max_attributes_per_record")]
    public int MaxAttributesPerRecord { get; set; } = 128;
}
