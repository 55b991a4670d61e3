using System.Diagnostics;
using System.Net.Sockets;
using Telemetry.TestKit;

namespace Telemetry.LoadGenerator.Tests.Http;

/// <summary>
/// Debian's apache2 on a free loopback port with the load generator's config template in a temp dir.
/// Fails (does not skip) when apache2 is missing. (TestKit's ApacheServer replaces this after the merge.)
/// </summary>
public sealed class PrivateApache : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _dir;

    private PrivateApache(Process process, TempDirectory dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public string AccessLog => _dir.Combine("access.log");

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    public static async Task<PrivateApache> StartAsync()
    {
        const string binary = "/usr/sbin/apache2";
        Assert.True(File.Exists(binary), $"{binary} is missing: apt-get install apache2 (scripts/install-deps.sh)");
        var dir = new TempDirectory("loadgen-apache");
        Directory.CreateDirectory(dir.Combine("htdocs"));
        await File.WriteAllTextAsync(dir.Combine("htdocs", "index.html"), "ok\n");
        var port = FreePort.Get();
        var template = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "ServerConfigs", "apache2.conf.template"));
        await File.WriteAllTextAsync(dir.Combine("apache2.conf"), template
            .Replace("{{PREFIX}}", dir.Path, StringComparison.Ordinal)
            .Replace("{{PORT}}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{ACCESS_LOG}}", dir.Combine("access.log"), StringComparison.Ordinal)
            .Replace("{{MODULES}}", "/usr/lib/apache2/modules", StringComparison.Ordinal));
        // The temp dir must be readable by the unprivileged worker user (htdocs).
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        var process = Process.Start(new ProcessStartInfo(binary, ["-d", dir.Path, "-f", dir.Combine("apache2.conf"), "-DFOREGROUND"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("apache2 did not start");
        var server = new PrivateApache(process, dir, port);
        for (var i = 0; i < 100; i++)
        {
            if (process.HasExited)
            {
                var error = await process.StandardError.ReadToEndAsync();
                await server.DisposeAsync();
                Assert.Fail($"apache2 exited with {process.ExitCode}: {error}");
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
        throw new TimeoutException("apache2 did not listen within 5 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _dir.Dispose();
    }
}
