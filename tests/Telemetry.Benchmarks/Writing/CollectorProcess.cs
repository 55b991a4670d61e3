using System.Diagnostics;
using System.Globalization;
using Telemetry.TestKit;

namespace Telemetry.Benchmarks.Writing;

/// <summary>
/// The collector as its own process (<c>telemetry-collector.dll</c> next to this benchmark, with its own runtime
/// configuration), so that its CPU time is told apart from the senders' and measured as the product runs.
/// </summary>
public sealed class CollectorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _dir;
    private readonly Task _drain;

    private CollectorProcess(Process process, TempDirectory dir, int grpcPort)
    {
        _process = process;
        _dir = dir;
        GrpcPort = grpcPort;
        _drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
    }

    public int GrpcPort { get; }

    public int ProcessId => _process.Id;

    /// <summary>CPU time (user + system) the collector has used so far.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The benchmarks' collector configuration: listeners on loopback, self-metrics off, warnings only,
    /// writing to <paramref name="database"/>, with more <c>influxdb</c> keys in <paramref name="influxYaml"/>
    /// (each line indented by two spaces).</summary>
    internal static string ConfigYaml(int grpcPort, int httpPort, Uri influxUrl, string database, string influxYaml = "") =>
        string.Create(CultureInfo.InvariantCulture, $"""
            receiver:
              grpc_endpoint: "127.0.0.1:{grpcPort}"
              http_endpoint: "127.0.0.1:{httpPort}"
            self_metrics:
              enabled: false
            logging:
              LogLevel:
                Default: Warning
            influxdb:
              url: "{influxUrl}"
              database: "{database}"

            """) + influxYaml;

    /// <summary>Starts a collector writing to <paramref name="database"/> of <paramref name="influxUrl"/> and waits for /healthz.</summary>
    public static async Task<CollectorProcess> StartAsync(Uri influxUrl, string database, bool influxGzip)
    {
        var dir = new TempDirectory("collector-throughput");
        var grpc = FreePort.Get();
        var http = FreePort.Get();
        var config = dir.Combine("collector.yaml");
        await File.WriteAllTextAsync(config, ConfigYaml(grpc, http, influxUrl, database, $"  gzip: {(influxGzip ? "true" : "false")}\n")).ConfigureAwait(false);
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "telemetry-collector.dll"), "--config", config },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("the collector did not start");
        var collector = new CollectorProcess(process, dir, grpc);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 300; i++)
        {
            if (process.HasExited)
            {
                break;
            }

            try
            {
                using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{http}/healthz")).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return collector;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        await collector.DisposeAsync().ConfigureAwait(false);
        throw new InvalidOperationException("the collector did not answer /healthz within 30 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        await _drain.ConfigureAwait(false);
        _process.Dispose();
        _dir.Dispose();
    }
}
