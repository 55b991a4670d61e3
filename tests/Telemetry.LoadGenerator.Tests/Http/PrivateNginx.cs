using System.Diagnostics;
using System.Net.Sockets;
using Telemetry.TestKit;

namespace Telemetry.LoadGenerator.Tests.Http;

/// <summary>
/// Debian's nginx on a free loopback port with the load generator's config template in a temp dir.
/// Fails (does not skip) when nginx is missing. (TestKit's NginxServer replaces this after the merge.)
/// </summary>
public sealed class PrivateNginx : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _dir;

    private PrivateNginx(Process process, TempDirectory dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public string AccessLog => _dir.Combine("access.log");

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    public static async Task<PrivateNginx> StartAsync()
    {
        const string binary = "/usr/sbin/nginx";
        Assert.True(File.Exists(binary), $"{binary} is missing: apt-get install nginx-light (scripts/install-deps.sh)");
        var dir = new TempDirectory("loadgen-nginx");
        var port = FreePort.Get();
        var template = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "ServerConfigs", "nginx.conf.template"));
        await File.WriteAllTextAsync(dir.Combine("nginx.conf"), template
            .Replace("{{PREFIX}}", dir.Path, StringComparison.Ordinal)
            .Replace("{{PORT}}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{ACCESS_LOG}}", dir.Combine("access.log"), StringComparison.Ordinal));
        var process = Process.Start(new ProcessStartInfo(binary, ["-p", dir.Path, "-c", dir.Combine("nginx.conf")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("nginx did not start");
        var server = new PrivateNginx(process, dir, port);
        for (var i = 0; i < 100; i++)
        {
            if (process.HasExited)
            {
                var error = await process.StandardError.ReadToEndAsync();
                await server.DisposeAsync();
                Assert.Fail($"nginx exited with {process.ExitCode}: {error}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        await server.DisposeAsync();
        throw new TimeoutException("nginx did not listen within 5 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGQUIT would be graceful; Kill is fine for a private test instance (logs are written per request).
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _dir.Dispose();
    }
}
