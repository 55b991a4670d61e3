using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Telemetry.TestKit.WebServers;

/// <summary>Starts a real web server binary in the foreground, waits until its port accepts connections,
/// and kills it (with its workers) on dispose. Shared by <see cref="ApacheServer"/> and <see cref="NginxServer"/>.</summary>
public abstract class WebServerProcess : IDisposable
{
    private Process? _process;

    protected WebServerProcess(string binary, bool ipv6)
    {
        if (!File.Exists(binary))
        {
            // Tests that need a real server must fail, not skip, when it is missing.
            throw new InvalidOperationException(binary + " is not installed; install the Debian package to run this test");
        }

        Binary = binary;
        Ipv6 = ipv6;
        Directory = new TempDirectory(GetType().Name.ToLowerInvariant());

        // Workers may run as an unprivileged user (Apache refuses root): let them traverse the temp dir.
        SetMode(Directory.Path, 0b111_101_101);
        Port = FreePort.Get();
    }

    public string Binary { get; }

    public bool Ipv6 { get; }

    public TempDirectory Directory { get; }

    public int Port { get; }

    public string AccessLogPath => Directory.Combine("access.log");

    public string ErrorLogPath => Directory.Combine("error.log");

    /// <summary>The directory served at <c>/</c>; an <c>index.html</c> is there.</summary>
    public string DocumentRoot => Directory.Combine("htdocs");

    protected static bool IsRoot => Environment.UserName == "root";

    /// <summary>Lines of the access log written so far.</summary>
    public IReadOnlyList<byte[]> ReadAccessLogLines()
    {
        if (!File.Exists(AccessLogPath))
        {
            return [];
        }

        var bytes = File.ReadAllBytes(AccessLogPath);
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lines.Add(bytes[start..i]);
                start = i + 1;
            }
        }

        return lines;
    }

    /// <summary>Waits until the access log holds at least <paramref name="count"/> complete lines.</summary>
    public async Task<IReadOnlyList<byte[]>> WaitForAccessLogLinesAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var lines = ReadAccessLogLines();
            if (lines.Count >= count)
            {
                return lines;
            }

            if (deadline.Elapsed > (timeout ?? TimeSpan.FromSeconds(15)))
            {
                throw new TimeoutException($"{Binary} wrote {lines.Count} of {count} access log lines; error log:\n{ReadErrorLog()}");
            }

            await Task.Delay(50);
        }
    }

    public string ReadErrorLog() => File.Exists(ErrorLogPath) ? File.ReadAllText(ErrorLogPath) : "(no error log)";

    protected async Task LaunchAsync(string arguments)
    {
        System.IO.Directory.CreateDirectory(DocumentRoot);
        SetMode(DocumentRoot, 0b111_101_101);
        await File.WriteAllTextAsync(Path.Combine(DocumentRoot, "index.html"), "<html><body>ok</body></html>\n");
        SetMode(Path.Combine(DocumentRoot, "index.html"), 0b110_100_100);

        var info = new ProcessStartInfo(Binary, arguments)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = Directory.Path,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + Binary);
        var stderr = _process.StandardError.ReadToEndAsync();
        _ = _process.StandardOutput.ReadToEndAsync();

        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"{Binary} {arguments} exited with {_process.ExitCode}: {await stderr}\n{ReadErrorLog()}");
            }

            if (await AcceptsAsync(IPAddress.Loopback) && (!Ipv6 || await AcceptsAsync(IPAddress.IPv6Loopback)))
            {
                return;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"{Binary} did not listen on port {Port}: {ReadErrorLog()}");
            }

            await Task.Delay(50);
        }
    }

    private static void SetMode(string path, int mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)mode);
        }
    }

    private async Task<bool> AcceptsAsync(IPAddress address)
    {
        try
        {
            using var client = new TcpClient(address.AddressFamily);
            await client.ConnectAsync(address, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
            }
        }

        _process?.Dispose();
        Directory.Dispose();
        GC.SuppressFinalize(this);
    }
}
