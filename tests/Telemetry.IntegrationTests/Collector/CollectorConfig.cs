using System.Text;
using Telemetry.TestKit;
using Telemetry.TestKit.InfluxDb;

namespace Telemetry.IntegrationTests.Collector;

/// <summary>A collector.yaml on free loopback ports pointing at a fresh database of <see cref="InfluxDbServer"/>.</summary>
public sealed record CollectorConfig(string Path, string Database, Uri GrpcAddress, Uri HttpAddress)
{
    public static async Task<CollectorConfig> WriteAsync(TempDirectory dir, InfluxDbServer influx, string extraYaml = "",
        string selfMetrics = "self_metrics:\n  enabled: false\n", string receiverYaml = "", string writeTimeout = "00:00:02")
    {
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
            .Append(receiverYaml)
            .Append(selfMetrics)
            .Append("influxdb:\n")
            .Append("  url: \"").Append(influx.Url).Append("\"\n")
            .Append("  database: \"").Append(database).Append("\"\n")
            .Append("  flush_interval: \"00:00:00.050\"\n")
            .Append("  timeout: \"").Append(writeTimeout).Append("\"\n")
            .Append("  max_retries: 1\n")
            .Append(extraYaml)
            .ToString();
        var path = dir.Combine("collector.yaml");
        await File.WriteAllTextAsync(path, yaml);
        return new CollectorConfig(path, database, new Uri($"http://127.0.0.1:{grpcPort}"), new Uri($"http://127.0.0.1:{httpPort}"));
    }
}
