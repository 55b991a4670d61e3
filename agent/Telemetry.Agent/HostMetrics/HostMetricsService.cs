using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.HostMetrics.Linux;
using Telemetry.Agent.HostMetrics.Windows;

namespace Telemetry.Agent.HostMetrics;

/// <summary>
/// Creates the instruments at start (so that the first snapshot is taken then, and the first export already has
/// utilization) and disposes them at stop. There is no timer: the MeterProvider's collection drives the reads.
/// </summary>
internal sealed class HostMetricsService(
    IMeterFactory meterFactory,
    IOptions<HostMetricsOptions> options,
    TimeProvider time,
    ILogger<HostMetricsService> logger) : IHostedService, IDisposable
{
    private HostMetricsCollector? _collector;
    private AgentProcessMetrics? _agentProcess;

    internal HostMetricsCollector? Collector => _collector;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _agentProcess = new AgentProcessMetrics(meterFactory);
        var settings = options.Value;
        if (!settings.Enabled)
        {
            logger.Disabled();
            return Task.CompletedTask;
        }

        IHostSampler? sampler = null;
        if (OperatingSystem.IsLinux())
        {
            sampler = new LinuxHostSampler(settings, logger);
        }
        else if (OperatingSystem.IsWindows())
        {
            sampler = new WindowsHostSampler(settings, logger);
        }

        if (sampler is null)
        {
            logger.UnsupportedPlatform(System.Runtime.InteropServices.RuntimeInformation.OSDescription);
            return Task.CompletedTask;
        }

        _collector = new HostMetricsCollector(meterFactory, sampler, settings, time);
        logger.Started(OperatingSystem.IsLinux() ? "linux" : "windows", settings.Interval, settings.PerCpu);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _collector?.Dispose();
        _agentProcess?.Dispose();
    }
}
