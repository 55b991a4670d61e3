using Microsoft.Extensions.Configuration;

namespace Telemetry.Agent.Configuration;

/// <summary>Host counters published under the meter <c>Telemetry.Agent.Host</c> (YAML section <c>host_metrics</c>).</summary>
public sealed class HostMetricsOptions
{
    /// <summary>Publishes host metrics at all.</summary>
    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>Shortest time between two reads of the host's counters; the SDK's export interval drives collection.</summary>
    [ConfigurationKeyName("interval")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Also publishes CPU time and utilization per logical CPU (attribute <c>cpu.logical_number</c>).</summary>
    [ConfigurationKeyName("per_cpu")]
    public bool PerCpu { get; set; }

    /// <summary>system.cpu.time, system.cpu.utilization, system.cpu.logical.count.</summary>
    [ConfigurationKeyName("cpu")]
    public bool Cpu { get; set; } = true;

    /// <summary>system.memory.usage, system.memory.utilization, system.memory.limit.</summary>
    [ConfigurationKeyName("memory")]
    public bool Memory { get; set; } = true;

    /// <summary>system.cpu.load_average.1m/5m/15m (Linux only).</summary>
    [ConfigurationKeyName("load")]
    public bool Load { get; set; } = true;

    /// <summary>system.disk.io, system.disk.operations, system.disk.io_time, system.disk.operation_time.</summary>
    [ConfigurationKeyName("disk")]
    public bool Disk { get; set; } = true;

    /// <summary>system.filesystem.usage, system.filesystem.utilization.</summary>
    [ConfigurationKeyName("filesystem")]
    public bool Filesystem { get; set; } = true;

    /// <summary>system.network.io, system.network.packets, system.network.errors, system.network.dropped.</summary>
    [ConfigurationKeyName("network")]
    public bool Network { get; set; } = true;

    /// <summary>system.paging.usage, system.paging.utilization (swap / page file).</summary>
    [ConfigurationKeyName("paging")]
    public bool Paging { get; set; } = true;

    /// <summary>system.process.count (and system.process.created on Linux).</summary>
    [ConfigurationKeyName("processes")]
    public bool Processes { get; set; } = true;

    /// <summary>system.uptime.</summary>
    [ConfigurationKeyName("uptime")]
    public bool Uptime { get; set; } = true;
}
