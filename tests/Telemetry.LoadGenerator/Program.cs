using Telemetry.LoadGenerator.Cli;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

return await LoadGenCli.RunAsync(args, Console.Out, Console.Error, TimeProvider.System, stop.Token);
