using System.Diagnostics.Metrics;
using Telemetry.Agent.HostMetrics.Linux;

namespace Telemetry.Agent.HostMetrics;

/// <summary>
/// The agent's own CPU time and resident memory under the meter <c>Telemetry.Agent</c>, as
/// <c>telemetry.agent.process.cpu.time</c> and <c>telemetry.agent.process.memory.rss</c>: the self-metric namespace,
/// so that they never mix with <c>process.*</c> series another sender may write to the same InfluxDB.
/// Linux reads /proc/self/stat and /proc/self/statm; Windows uses the runtime's GetProcessTimes and
/// GetProcessMemoryInfo wrappers.
/// </summary>
internal sealed class AgentProcessMetrics : IDisposable
{
    public const string MeterName = "Telemetry.Agent";

    private readonly Meter _meter;
    private readonly ProcFile? _stat;
    private readonly ProcFile? _statm;
    private readonly double _ticksPerSecond = 100;

    public AgentProcessMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        if (OperatingSystem.IsLinux())
        {
            _stat = new ProcFile("/proc/self/stat", 1024);
            _statm = new ProcFile("/proc/self/statm", 256);
            _ticksPerSecond = LinuxNative.ClockTicksPerSecond();
        }

        _meter.CreateObservableCounter("telemetry.agent.process.cpu.time", ReadCpuSeconds, "s", "CPU time (user + system) used by the agent process");
        _meter.CreateObservableUpDownCounter("telemetry.agent.process.memory.rss", ReadResidentBytes, "By", "Resident set size of the agent process");
    }

    /// <summary>User + system CPU seconds of this process.</summary>
    internal double ReadCpuSeconds()
    {
        if (_stat is not null && _stat.TryRead(out var text, out _) && ProcSelfParser.TryParseCpuTicks(text, out var ticks))
        {
            return ticks / _ticksPerSecond;
        }

        return Environment.CpuUsage.TotalTime.TotalSeconds;
    }

    /// <summary>Resident bytes of this process.</summary>
    internal long ReadResidentBytes()
    {
        if (_statm is not null)
        {
            return _statm.TryRead(out var text, out _) && ProcSelfParser.TryParseResidentPages(text, out var pages)
                ? pages * Environment.SystemPageSize
                : 0;
        }

        return Environment.WorkingSet;
    }

    public void Dispose()
    {
        _meter.Dispose();
        _stat?.Dispose();
        _statm?.Dispose();
    }
}
