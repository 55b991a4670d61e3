using System.Text;
using Microsoft.AspNetCore.Builder;
using Telemetry.Collector;
using Telemetry.TestKit;
using Telemetry.TestKit.InfluxDb;

namespace Telemetry.IntegrationTests.Collector;

/// <summary>The real collector (receivers, mapping, writing) in-process on free loopback ports, writing to a private influxd.</summary>
public sealed class CollectorHost : IAsyncDisposable
{
    private readonly TempDirectory _dir;

    private CollectorHost(TempDirectory dir, WebApplication app, CollectorConfig config)
    {
        _dir = dir;
        App = app;
        Database = config.Database;
        GrpcAddress = config.GrpcAddress;
        HttpAddress = config.HttpAddress;
    }

    public WebApplication App { get; }

    public string Database { get; }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    /// <param name="extraYaml">Appended after the <c>influxdb</c> section: indented lines add influxdb keys, unindented ones add sections.</param>
    /// <param name="receiverYaml">Indented lines added to the <c>receiver</c> section.</param>
    /// <param name="writeTimeout">influxdb.timeout (default 2 s).</param>
    public static async Task<CollectorHost> StartAsync(InfluxDbServer influx, string extraYaml = "", string selfMetrics = "self_metrics:\n  enabled: false\n",
        string receiverYaml = "", string writeTimeout = "00:00:02")
    {
        var dir = new TempDirectory("collector-e2e");
        var config = await CollectorConfig.WriteAsync(dir, influx, extraYaml, selfMetrics, receiverYaml, writeTimeout);
        var app = CollectorApp.Build(["--config", config.Path]);
        await app.StartAsync();
        return new CollectorHost(dir, app, config);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        _dir.Dispose();
    }
}
