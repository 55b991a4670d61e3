using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Telemetry.IntegrationTests.Collector;

/// <summary>The built <c>telemetry-collector</c> as a child process (apphost, else <c>dotnet telemetry-collector.dll</c>),
/// with its stdout/stderr captured, stopped the way systemd stops it (SIGTERM).</summary>
public sealed class CollectorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private CollectorProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static CollectorProcess Start(params string[] args)
    {
        var apphost = Path.Combine(AppContext.BaseDirectory, "telemetry-collector");
        var dll = Path.Combine(AppContext.BaseDirectory, "telemetry-collector.dll");
        Assert.True(File.Exists(dll), dll + " is missing: build the collector");
        ProcessStartInfo info;
        if (File.Exists(apphost))
        {
            info = new ProcessStartInfo(apphost);
        }
        else
        {
            info = new ProcessStartInfo("dotnet");
            info.ArgumentList.Add(dll);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.Environment["DOTNET_NOLOGO"] = "1";
        var process = new Process { StartInfo = info };
        var collector = new CollectorProcess(process);
        process.OutputDataReceived += (_, e) => Append(collector._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(collector._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return collector;
    }

    /// <summary>Waits until <c>GET /healthz</c> answers on <paramref name="httpAddress"/>; fails if the process exits first.</summary>
    public async Task WaitUntilServingAsync(Uri httpAddress, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = httpAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Assert.False(_process.HasExited, "collector exited during start: " + Stderr + Stdout);
            try
            {
                using var response = await http.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "collector did not serve /healthz within " + timeout + ": " + Stderr + Stdout);
            await Task.Delay(100);
        }
    }

    /// <summary>SIGTERM, as systemd's stop and Kubernetes' pod deletion send.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("/bin/kill") { ArgumentList = { "-TERM", Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        await kill.WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.Append(line).Append('\n');
        }
    }
}
