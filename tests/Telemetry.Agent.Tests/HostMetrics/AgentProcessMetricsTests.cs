using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.Metrics;
using Telemetry.Agent.HostMetrics;

namespace Telemetry.Agent.Tests.HostMetrics;

public class AgentProcessMetricsTests
{
    [Fact]
    public void Own_cpu_time_and_rss_match_what_the_runtime_reports()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new AgentProcessMetrics(services.GetRequiredService<IMeterFactory>());

        var runtimeBefore = Environment.CpuUsage.TotalTime.TotalSeconds;
        var ours = metrics.ReadCpuSeconds();
        var runtimeAfter = Environment.CpuUsage.TotalTime.TotalSeconds;
        // /proc/self/stat counts in 10 ms ticks: ours may trail the runtime's getrusage figure by a tick.
        Assert.InRange(ours, runtimeBefore - 0.02, runtimeAfter + 0.02);

        using var process = Process.GetCurrentProcess();
        var rss = metrics.ReadResidentBytes();
        process.Refresh();
        var workingSet = process.WorkingSet64;
        Assert.InRange(rss, workingSet * 0.9, workingSet * 1.1);
    }
}
