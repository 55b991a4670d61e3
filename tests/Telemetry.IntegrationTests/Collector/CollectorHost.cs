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

    private CollectorHost(TempDirectory dir, WebApplication app, int grpcPort, int httpPort, string database)
    {
        _dir = dir;
        App = app;
        Database = database;
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
        HttpAddress = new Uri($"http://127.0.0.1:{httpPort}");
    }

    public WebApplication App { get; }

    public string Database { get; }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    public static async Task<CollectorHost> StartAsync(InfluxDbServer influx, string extraYaml = "", string selfMetrics = "self_metrics:\n  enabled: false\n")
    {
        var dir = new TempDirectory("collector-e2e");
        var database = await influx.CreateUniqueDatabaseAsync("e2e");
        var grpcPort = FreePort.Get();
        var httpPort = FreePort.Get();
        while (httpPort == grpcPort)
        {
            httpPort = FreePort.Get();
        }

        var yaml = new StringBuilder()
            .Append("receiver:\n")
            .Append("  grpc_endpoint: \"127.0.0.1:").Append(grpcPort).Append("\"\n")
            .Append("  http_endpoint: \"127.0.0.1:").Append(httpPort).Append("\"\n")
            .Append(selfMetrics)
            .Append("influxdb:\n")
            .Append("  url: \"").Append(influx.Url).Append("\"\n")
            .Append("  database: \"").Append(database).Append("\"\n")
            .Append("  flush_interval: \"00:00:00.050\"\n")
            .Append("  timeout: \"00:00:02\"\n")
            .Append("  max_retries: 1\n")
            .Append(extraYaml)
            .ToString();
        var path = dir.Combine("collector.yaml");
        await File.WriteAllTextAsync(path, yaml);
        var app = CollectorApp.Build(["--config", path]);
        await app.StartAsync();
        return new CollectorHost(dir, app, grpcPort, httpPort, database);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        _dir.Dispose();
    }
}
