using System.Runtime.InteropServices;
using Telemetry.LoadGenerator.Cli;

// Ctrl-C (SIGINT) and SIGTERM stop the run early; the summary of what was generated is still printed.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

return await LoadGenCli.RunAsync(args, Console.Out, Console.Error, TimeProvider.System, stop.Token);
