using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Collector.Pipeline;
using Telemetry.Collector.Writing;
using Telemetry.TestKit;

namespace Telemetry.Collector.Tests.Hosting;

/// <summary>A collector running in-process on free loopback ports with a fake pipeline, probe and sink.</summary>
public sealed class CollectorFixture : IAsyncDisposable
{
    private readonly TempDirectory _dir;

    private CollectorFixture(TempDirectory dir, WebApplication app, int grpcPort, int httpPort, bool tls,
        FakeExportPipeline pipeline, FakeStorageProbe probe, FakePointSink sink)
    {
        _dir = dir;
        App = app;
        GrpcPort = grpcPort;
        HttpPort = httpPort;
        Pipeline = pipeline;
        Probe = probe;
        Sink = sink;
        var scheme = tls ? "https" : "http";
        GrpcAddress = new Uri($"{scheme}://localhost:{grpcPort}");
        HttpAddress = new Uri($"{scheme}://localhost:{httpPort}");
    }

    public WebApplication App { get; }

    public FakeExportPipeline Pipeline { get; }

    public FakeStorageProbe Probe { get; }

    public FakePointSink Sink { get; }

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    /// <summary>Starts a collector on 127.0.0.1. <paramref name="receiverYaml"/> is added under <c>receiver:</c>
    /// (lines indented by two spaces), <paramref name="rootYaml"/> at the top level.</summary>
    /// <param name="realPipeline">Keep the collector's own pipeline (mapping, byte budget) in front of the fake sink.</param>
    public static async Task<CollectorFixture> StartAsync(string receiverYaml = "", string rootYaml = "self_metrics:\n  enabled: false\n", bool tls = false, bool realPipeline = false)
    {
        var dir = new TempDirectory("collector-test");
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
            .Append(rootYaml)
            .ToString();
        var path = dir.Combine("collector.yaml");
        await File.WriteAllTextAsync(path, yaml);

        var pipeline = new FakeExportPipeline();
        var probe = new FakeStorageProbe();
        var sink = new FakePointSink();
        var app = CollectorApp.Build(["--config", path], (services, _) =>
        {
            if (!realPipeline)
            {
                services.AddSingleton<IExportPipeline>(pipeline);
            }

            services.AddSingleton<IStorageProbe>(probe);
            services.AddSingleton<IPointSink>(sink);
        });
        await app.StartAsync();
        return new CollectorFixture(dir, app, grpcPort, httpPort, tls, pipeline, probe, sink);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        _dir.Dispose();
    }
}
