using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Collector;
using Telemetry.TestKit;
using Telemetry.TestKit.Certificates;
using Telemetry.TestKit.InfluxDb;

namespace Telemetry.IntegrationTests.Tls;

/// <summary>
/// The real collector (CollectorApp, real Mapping and Writing stages) in-process, listening with TLS that
/// requires a client certificate from the test CA and a bearer token, writing to a private influxd.
/// </summary>
public sealed class TlsCollectorFixture : IAsyncDisposable
{
    public const string Token = "agent-token-7f3a";

    private readonly TempDirectory _dir;

    private TlsCollectorFixture(TempDirectory dir, TestCertificates pki, InfluxDbServer influx, string database, WebApplication app, int grpcPort)
    {
        Pipeline = app.Services.GetRequiredService<RecordingExportPipeline>();
        _dir = dir;
        Pki = pki;
        Influx = influx;
        Database = database;
        App = app;
        GrpcPort = grpcPort;
    }

    public TestCertificates Pki { get; }

    public InfluxDbServer Influx { get; }

    public string Database { get; }

    public WebApplication App { get; }

    public int GrpcPort { get; }

    /// <summary>The collector's real pipeline, recorded (and scriptable).</summary>
    public RecordingExportPipeline Pipeline { get; }

    public string TlsEndpoint => $"https://127.0.0.1:{GrpcPort}";

    /// <param name="extraYaml">More top-level collector configuration (sections not written here, e.g. <c>limits:</c>).</param>
    /// <param name="influxYaml">More keys of the <c>influxdb:</c> section, each line indented by two spaces.</param>
    public static async Task<TlsCollectorFixture> StartAsync(string extraYaml = "", string influxYaml = "")
    {
        var influx = await InfluxDbServer.StartNewAsync();
        var database = await influx.CreateUniqueDatabaseAsync("tls");
        var pki = TestCertificates.Create("collector-tls");
        var dir = new TempDirectory("collector-tls");
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
            .Append("  tls:\n")
            .Append("    cert_file: \"").Append(pki.ServerCertFile).Append("\"\n")
            .Append("    key_file: \"").Append(pki.ServerKeyFile).Append("\"\n")
            .Append("    client_ca_file: \"").Append(pki.CaFile).Append("\"\n")
            .Append("    require_client_certificate: true\n")
            .Append("  auth:\n")
            .Append("    bearer_tokens: [\"").Append(Token).Append("\"]\n")
            .Append("self_metrics:\n  enabled: false\n")
            .Append("influxdb:\n")
            .Append("  url: \"").Append(influx.Url.ToString().TrimEnd('/')).Append("\"\n")
            .Append("  database: \"").Append(database).Append("\"\n")
            .Append("  flush_interval: \"00:00:00.050\"\n")
            .Append(influxYaml)
            .Append(extraYaml)
            .ToString();
        var path = dir.Combine("collector.yaml");
        await File.WriteAllTextAsync(path, yaml);

        var app = CollectorApp.Build(["--config", path], static (services, _) => RecordingExportPipeline.Install(services));
        await app.StartAsync();
        return new TlsCollectorFixture(dir, pki, influx, database, app, grpcPort);
    }

    /// <summary>The agent's collector section for this collector: TLS with the test CA, client certificate, token.</summary>
    public Dictionary<string, string?> AgentConfig() => new()
    {
        ["endpoint"] = TlsEndpoint,
        ["ca_file"] = Pki.CaFile,
        ["client_cert_file"] = Pki.ClientCertFile,
        ["client_key_file"] = Pki.ClientKeyFile,
        ["bearer_token"] = Token,
        ["timeout"] = "00:00:05",
        ["initial_backoff"] = "00:00:00.010",
        ["max_backoff"] = "00:00:00.200",
    };

    public Task<int> RequestRowsAsync() => Influx.CountRowsAsync(Database, "http_requests");

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Influx.DisposeAsync();
        Pki.Dispose();
        _dir.Dispose();
    }
}
