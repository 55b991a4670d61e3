using Microsoft.Extensions.Configuration;

namespace Telemetry.Agent.Configuration;

/// <summary>The agent's YAML root: where state lives, what to tail, how to batch.</summary>
public sealed class AgentOptions
{
    /// <summary>Directory holding the checkpoint file; must be writable by the agent.</summary>
    [ConfigurationKeyName("state_dir")]
    public string StateDir { get; set; } = "/var/lib/telemetry-agent";

    [ConfigurationKeyName("sources")]
    public List<SourceOptions> Sources { get; set; } = [];

    [ConfigurationKeyName("batch")]
    public BatchOptions Batch { get; set; } = new();

    /// <summary>Longest line kept; longer lines are cut to this many bytes and counted.</summary>
    [ConfigurationKeyName("max_line_bytes")]
    public int MaxLineBytes { get; set; } = 65536;

    [ConfigurationKeyName("request_metrics")]
    public RequestMetricsOptions RequestMetrics { get; set; } = new();

    /// <summary>How often globs are re-expanded and files polled for growth while lines arrive (file-system events wake the loop earlier).</summary>
    [ConfigurationKeyName("poll_interval")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait between two polls once nothing has been read for a while, when every glob's base
    /// directory has a file-system watch (which wakes the loop at once when a file there is written).</summary>
    [ConfigurationKeyName("idle_poll_interval")]
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often acknowledged progress is written to the checkpoint file.</summary>
    [ConfigurationKeyName("checkpoint_interval")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A rotated-away or deleted file is released after it has been read to its end and stayed idle this long.</summary>
    [ConfigurationKeyName("rotate_wait")]
    public TimeSpan RotateWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checkpoints of files not seen for this long are pruned.</summary>
    [ConfigurationKeyName("forget_after")]
    public TimeSpan ForgetAfter { get; set; } = TimeSpan.FromHours(72);
}
