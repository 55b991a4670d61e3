using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Telemetry.Agent.Delivery;
using Telemetry.Agent.HostMetrics;
using Telemetry.Collector;
using Telemetry.TestKit;
using Telemetry.TestKit.InfluxDb;

namespace Telemetry.IntegrationTests.HostMetrics;

/// <summary>
/// The agent's host metrics end to end: the agent's MeterProvider (OTLP gRPC, delta) and host collector in this
/// process, the real collector (<see cref="CollectorApp.Build"/>) on loopback, a private influxd. Every metric
/// family must be found in InfluxDB with plausible values.
/// </summary>
public sealed class HostMetricsPipelineTests
{
    private static readonly string[] Families =
    [
        "system.cpu.time", "system.cpu.utilization", "system.cpu.logical.count",
        "system.memory.usage", "system.memory.utilization", "system.memory.limit", "system.linux.memory.available",
        "system.paging.usage",
        "system.cpu.load_average.1m", "system.cpu.load_average.5m", "system.cpu.load_average.15m",
        "system.disk.io", "system.disk.operations", "system.disk.io_time", "system.disk.operation_time",
        "system.filesystem.usage", "system.filesystem.utilization",
        "system.network.io", "system.network.packets", "system.network.errors", "system.network.dropped",
        "system.uptime", "system.process.count", "system.process.created",
        "telemetry.agent.process.cpu.time", "telemetry.agent.process.memory.rss",
    ];

    private static readonly string[] Counters =
    [
        "system.cpu.time", "system.disk.io", "system.disk.operations", "system.disk.io_time", "system.disk.operation_time",
        "system.network.io", "system.network.packets", "system.network.errors", "system.network.dropped",
        "system.process.created", "telemetry.agent.process.cpu.time",
    ];

    [Fact]
    public async Task Every_host_metric_family_reaches_influxdb_with_plausible_values()
    {
        await using var influx = await InfluxDbServer.StartNewAsync();
        var database = await influx.CreateUniqueDatabaseAsync("hostmetrics");
        using var dir = new TempDirectory("hostmetrics-it");
        var grpcPort = FreePort.Get();
        var httpPort = FreePort.Get();
        var collectorConfig = dir.Combine("collector.yaml");
        await File.WriteAllTextAsync(collectorConfig, $"""
            receiver:
              grpc_endpoint: "127.0.0.1:{grpcPort}"
              http_endpoint: "127.0.0.1:{httpPort}"
            influxdb:
              url: "{influx.Url}"
              database: {database}
              flush_interval: 00:00:00.2
            self_metrics:
              enabled: false
            """);
        await using var collector = CollectorApp.Build(["--config", collectorConfig]);
        await collector.StartAsync();

        var agentConfig = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["collector:endpoint"] = $"http://127.0.0.1:{grpcPort}",
            ["collector:insecure"] = "true",
            ["collector:metrics_interval"] = "00:00:02",
            ["host_metrics:interval"] = "00:00:01",
            ["host_metrics:per_cpu"] = "true",
        }).Build();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddOtlpExport(agentConfig.GetSection("collector"));
        builder.Services.AddHostMetrics(agentConfig.GetSection("host_metrics"));
        using (var agent = builder.Build())
        {
            await agent.StartAsync();
            // Five export intervals, with a little traffic on loopback meanwhile (the exports themselves).
            await Task.Delay(TimeSpan.FromSeconds(11));
            await agent.StopAsync();
        }

        var missing = new List<string>();
        for (var attempt = 0; attempt < 50; attempt++)
        {
            missing.Clear();
            foreach (var family in Families)
            {
                if (await influx.CountRowsAsync(database, family) < 3)
                {
                    missing.Add(family);
                }
            }

            if (missing.Count == 0)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.True(missing.Count == 0, "no (or fewer than 3) points in InfluxDB for: " + string.Join(", ", missing));

        // Utilizations are fractions.
        foreach (var gauge in new[] { "system.cpu.utilization", "system.memory.utilization", "system.filesystem.utilization" })
        {
            var (min, max) = await MinMaxAsync(influx, database, gauge, "");
            Assert.True(min >= 0 && max <= 1, $"{gauge} outside [0, 1]: min {min}, max {max}");
        }

        // Counters are exported as deltas: every stored increment is >= 0, so the running totals never decrease.
        foreach (var counter in Counters)
        {
            var (min, _) = await MinMaxAsync(influx, database, counter, "");
            Assert.True(min >= 0, $"{counter} has a negative increment {min}");
        }

        // The exports themselves crossed loopback: received bytes on lo grew.
        var lo = await influx.QueryAsync(database, "SELECT sum(\"value\") FROM \"system.network.io\" WHERE \"network.interface.name\" = 'lo' AND \"network.io.direction\" = 'receive'");
        Assert.True(lo.Single().Values[0][1].GetDouble() > 0, "no loopback bytes counted while the agent exported over loopback");

        // Per-CPU series: one cpu.logical_number per logical CPU, as nproc counts them.
        var numbers = await influx.QueryAsync(database, "SHOW TAG VALUES FROM \"system.cpu.utilization\" WITH KEY = \"cpu.logical_number\"");
        var nproc = int.Parse((await RunAsync("nproc", "--all")).Trim(), CultureInfo.InvariantCulture);
        Assert.Equal(nproc, numbers.Single().Values.Count);

        // Whole-host CPU modes add up to 1 at each point in time.
        var whole = await influx.QueryAsync(database, "SELECT \"value\" FROM \"system.cpu.utilization\" WHERE \"cpu.logical_number\" = ''", "ns");
        var byTime = whole.Single().Values.GroupBy(row => row[0].GetInt64()).ToList();
        Assert.True(byTime.Count >= 3, $"only {byTime.Count} whole-host utilization readings");
        Assert.All(byTime, reading =>
        {
            Assert.Equal(8, reading.Count());
            Assert.InRange(reading.Sum(row => row[1].GetDouble()), 0.999, 1.001);
        });

        // Memory states add up to the limit; uptime is the host's.
        var limit = (await MinMaxAsync(influx, database, "system.memory.limit", "")).Max;
        Assert.Equal(ReadMemTotal(), limit);
        var uptime = (await MinMaxAsync(influx, database, "system.uptime", "")).Max;
        var procUptime = double.Parse((await File.ReadAllTextAsync("/proc/uptime")).Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.InRange(procUptime - uptime, 0, 120);

        // Resource attributes became the host and service tags.
        var hosts = await influx.QueryAsync(database, "SHOW TAG VALUES FROM \"system.memory.usage\" WITH KEY = \"host\"");
        Assert.Equal(Environment.MachineName, hosts.Single().Values.Single()[1].GetString());
        var services = await influx.QueryAsync(database, "SHOW TAG VALUES FROM \"system.memory.usage\" WITH KEY = \"service\"");
        Assert.Equal("telemetry-agent", services.Single().Values.Single()[1].GetString());
    }

    private static async Task<(double Min, double Max)> MinMaxAsync(InfluxDbServer influx, string database, string measurement, string where)
    {
        var series = await influx.QueryAsync(database, $"SELECT min(\"value\"), max(\"value\") FROM \"{measurement}\" {where}");
        var row = series.Single().Values[0];
        return (row[1].GetDouble(), row[2].GetDouble());
    }

    private static double ReadMemTotal()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024.0;
    }

    private static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var info = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
