using Microsoft.Extensions.Configuration;

namespace Telemetry.Agent.Configuration;

/// <summary>One group of log files with one format (YAML <c>sources[i]</c>).</summary>
public sealed class SourceOptions
{
    /// <summary>Names the source; sent as the resource's <c>service.name</c> (the <c>service</c> tag in InfluxDB).</summary>
    [ConfigurationKeyName("name")]
    public string Name { get; set; } = "";

    /// <summary>apache, nginx, iis or json.</summary>
    [ConfigurationKeyName("format")]
    public string Format { get; set; } = "";

    /// <summary>The server's own LogFormat / log_format string, or a named format; default combined / W3C header.</summary>
    [ConfigurationKeyName("log_format")]
    public string? LogFormat { get; set; }

    /// <summary>json only: attribute name to JSON field mapping.</summary>
    [ConfigurationKeyName("json_fields")]
    public Dictionary<string, string>? JsonFields { get; set; }

    /// <summary>Globs (<c>*</c>, <c>?</c>, <c>**</c>) of files to tail. <c>.gz</c> files are never read.</summary>
    [ConfigurationKeyName("paths")]
    public List<string> Paths { get; set; } = [];

    /// <summary>Globs of files not to tail even when <see cref="Paths"/> match them.</summary>
    [ConfigurationKeyName("exclude")]
    public List<string> Exclude { get; set; } = [];

    /// <summary>Where to begin a file seen for the first time at start-up: <c>end</c> (default) or <c>beginning</c>.</summary>
    [ConfigurationKeyName("start_at")]
    public string StartAt { get; set; } = "end";

    internal bool StartAtBeginning => string.Equals(StartAt, "beginning", StringComparison.OrdinalIgnoreCase);
}
