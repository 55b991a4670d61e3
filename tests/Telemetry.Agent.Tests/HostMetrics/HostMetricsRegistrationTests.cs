using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.HostMetrics;

namespace Telemetry.Agent.Tests.HostMetrics;

public class HostMetricsRegistrationTests
{
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddHostMetrics(configuration.GetSection("host_metrics"));
        return builder.Build();
    }

    [Fact]
    public void Yaml_keys_bind_to_options()
    {
        using var host = Build(new()
        {
            ["host_metrics:enabled"] = "true",
            ["host_metrics:interval"] = "00:00:30",
            ["host_metrics:per_cpu"] = "true",
            ["host_metrics:network"] = "false",
            ["host_metrics:filesystem"] = "false",
        });

        var options = host.Services.GetRequiredService<IOptions<HostMetricsOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(30), options.Interval);
        Assert.True(options.PerCpu);
        Assert.False(options.Network);
        Assert.False(options.Filesystem);
        Assert.True(options.Disk);
    }

    [Theory]
    [InlineData("00:00:00.5")]
    [InlineData("02:00:00")]
    public async Task An_interval_out_of_range_stops_the_start_with_the_key_and_value(string interval)
    {
        using var host = Build(new() { ["host_metrics:interval"] = interval });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("host_metrics.interval", error.Message, StringComparison.Ordinal);
        Assert.Contains(TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture).ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Started_host_publishes_host_and_agent_process_metrics()
    {
        using var host = Build(new() { ["host_metrics:per_cpu"] = "true" });
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var hostRecorder = new MeasurementRecorder(HostMetricsCollector.MeterName, meters);
        using var agentRecorder = new MeasurementRecorder(AgentProcessMetrics.MeterName, meters);

        await host.StartAsync();
        try
        {
            var hostMeasurements = hostRecorder.Collect();
            var agentMeasurements = agentRecorder.Collect();

            Assert.Contains(hostMeasurements, m => m.Instrument == "system.cpu.time");
            Assert.Contains(hostMeasurements, m => m.Instrument == "system.memory.usage");
            Assert.Contains(hostMeasurements, m => m.Instrument == "system.filesystem.usage");
            Assert.Equal(Environment.ProcessorCount, hostMeasurements.Where(m => m.Instrument == "system.cpu.time" && m.Tag("cpu.logical_number") is not null).Select(m => m.Tag("cpu.logical_number")).Distinct().Count());
            Assert.True(agentMeasurements.Single(m => m.Instrument == "telemetry.agent.process.cpu.time").Value > 0);
            Assert.True(agentMeasurements.Single(m => m.Instrument == "telemetry.agent.process.memory.rss").Value > 10_000_000);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Disabled_host_metrics_still_report_the_agent_process()
    {
        using var host = Build(new() { ["host_metrics:enabled"] = "false" });
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var hostRecorder = new MeasurementRecorder(HostMetricsCollector.MeterName, meters);
        using var agentRecorder = new MeasurementRecorder(AgentProcessMetrics.MeterName, meters);

        await host.StartAsync();
        try
        {
            Assert.Empty(hostRecorder.Collect());
            Assert.Equal(2, agentRecorder.Collect().Count);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
