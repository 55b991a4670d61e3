using System.Diagnostics;

namespace Telemetry.Provisioning.Tests.Pipeline;

/// <summary>A short-lived command (apply.sh) with its output captured.</summary>
public sealed class PipelineShell : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private PipelineShell(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public string Output => (_stdout.IsCompleted ? _stdout.Result : "") + (_stderr.IsCompleted ? _stderr.Result : "");

    public static PipelineShell Run(string file, params string[] args) => new(Process.Start(new ProcessStartInfo(file, args)
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    }) ?? throw new InvalidOperationException("could not start " + file));

    public async Task<int> WaitAsync()
    {
        await _process.WaitForExitAsync();
        await Task.WhenAll(_stdout, _stderr);
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
}
