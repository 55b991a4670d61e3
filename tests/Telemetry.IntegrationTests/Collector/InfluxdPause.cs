using System.Diagnostics;
using System.Globalization;
using Telemetry.TestKit.InfluxDb;

namespace Telemetry.IntegrationTests.Collector;

/// <summary>
/// Freezes a running <see cref="InfluxDbServer"/> with SIGSTOP (its socket still accepts, nothing is answered:
/// a slow or hung InfluxDB) until disposed (SIGCONT). The process is found by its config path under <c>DataRoot</c>.
/// </summary>
public sealed class InfluxdPause : IAsyncDisposable
{
    private readonly int _pid;
    private bool _resumed;

    private InfluxdPause(int pid) => _pid = pid;

    public static async Task<InfluxdPause> StartAsync(InfluxDbServer influx)
    {
        var pid = FindPid(Path.Combine(influx.DataRoot, "influxdb.conf"));
        await SignalAsync("-STOP", pid);
        return new InfluxdPause(pid);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_resumed)
        {
            _resumed = true;
            await SignalAsync("-CONT", _pid);
        }
    }

    private static int FindPid(string configPath)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string cmdline;
            try
            {
                cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            var args = cmdline.Split('\0');
            if (args.Length > 0 && args[0].EndsWith("influxd", StringComparison.Ordinal) && args.Contains(configPath))
            {
                return pid;
            }
        }

        throw new InvalidOperationException("no influxd process runs with -config " + configPath);
    }

    private static async Task SignalAsync(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("/bin/kill") { ArgumentList = { signal, pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }
}
