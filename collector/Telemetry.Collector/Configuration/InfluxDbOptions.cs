using Microsoft.Extensions.Configuration;

namespace Telemetry.Collector.Configuration;

/// <summary>Where and how the collector writes to InfluxDB (YAML section <c>influxdb</c>).</summary>
public sealed class InfluxDbOptions
{
    public const string SectionName = "influxdb";

    /// <summary>Base URL of InfluxDB, <c>http://127.0.0.1:8086</c>.</summary>
    [ConfigurationKeyName("url")]
    public string Url { get; set; } = "http://127.0.0.1:8086";

    /// <summary><c>v1</c> (<c>/write</c>, database + retention policy, user/password) or <c>v2</c>
    /// (<c>/api/v2/write</c>, org + bucket, token).</summary>
    [ConfigurationKeyName("api")]
    public string Api { get; set; } = "v1";

    [ConfigurationKeyName("database")]
    public string Database { get; set; } = "telemetry";

    /// <summary>v1 retention policy; the database's default when empty.</summary>
    [ConfigurationKeyName("retention_policy")]
    public string? RetentionPolicy { get; set; }

    [ConfigurationKeyName("username")]
    public string? Username { get; set; }

    [ConfigurationKeyName("password")]
    public string? Password { get; set; }

    /// <summary>File holding the v1 password (trailing newline ignored); preferred over <see cref="Password"/>.</summary>
    [ConfigurationKeyName("password_file")]
    public string? PasswordFile { get; set; }

    [ConfigurationKeyName("org")]
    public string? Org { get; set; }

    [ConfigurationKeyName("bucket")]
    public string? Bucket { get; set; }

    [ConfigurationKeyName("token")]
    public string? Token { get; set; }

    /// <summary>File holding the v2 token (trailing newline ignored); preferred over <see cref="Token"/>.</summary>
    [ConfigurationKeyName("token_file")]
    public string? TokenFile { get; set; }

    /// <summary>gzip-compress write bodies.</summary>
    [ConfigurationKeyName("gzip")]
    public bool Gzip { get; set; } = true;

    /// <summary>Most points in one write request.</summary>
    [ConfigurationKeyName("batch_max_points")]
    public int BatchMaxPoints { get; set; } = 5000;

    /// <summary>Most bytes (uncompressed line protocol) in one write request.</summary>
    [ConfigurationKeyName("batch_max_bytes")]
    public int BatchMaxBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How long the first queued point waits for more before its batch is sent.</summary>
    [ConfigurationKeyName("flush_interval")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Write requests in flight at once.</summary>
    [ConfigurationKeyName("max_concurrent_requests")]
    public int MaxConcurrentRequests { get; set; } = 4;

    /// <summary>Deadline of one HTTP write attempt.</summary>
    [ConfigurationKeyName("timeout")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of a batch after a retryable failure (5xx, 429, timeout, refused) before giving up.</summary>
    [ConfigurationKeyName("max_retries")]
    public int MaxRetries { get; set; } = 5;

    /// <summary>First retry delay; doubles per attempt up to <see cref="RetryMaxBackoff"/>, with full jitter.</summary>
    [ConfigurationKeyName("retry_initial_backoff")]
    public TimeSpan RetryInitialBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    [ConfigurationKeyName("retry_max_backoff")]
    public TimeSpan RetryMaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Points accepted but not yet written; beyond it callers get "overloaded" with a retry hint.</summary>
    [ConfigurationKeyName("queue_max_points")]
    public int QueueMaxPoints { get; set; } = 100_000;

    /// <summary>Bytes held for accepted Exports not yet answered (decoded request bodies plus their line
    /// protocol queued for InfluxDB); beyond it new Exports get "overloaded" with a retry hint.</summary>
    [ConfigurationKeyName("queue_max_bytes")]
    public long QueueMaxBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>PEM file of the CA that signed InfluxDB's certificate (https URLs); system roots when empty.</summary>
    [ConfigurationKeyName("ca_file")]
    public string? CaFile { get; set; }

    internal bool IsV2 => string.Equals(Api, "v2", StringComparison.OrdinalIgnoreCase);
}
