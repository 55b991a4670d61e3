using System.Diagnostics;

namespace Telemetry.Agent.Tests.HostMetrics.Linux;

/// <summary>Runs an independent tool (free, df, ip, mpstat, nproc, ps) and returns its standard output; a missing tool fails the test.</summary>
internal static class Command
{
    public static Process Start(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.Environment["LC_ALL"] = "C";
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
    }

    public static async Task<string> FinishAsync(Process process)
    {
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{process.StartInfo.FileName} exited with {process.ExitCode}: {error}");
        return output;
    }

    public static Task<string> RunAsync(string file, params string[] arguments) => FinishAsync(Start(file, arguments));
}
