using System.Globalization;
using Telemetry.TestKit.InfluxDb;

namespace Telemetry.Benchmarks.Writing;

/// <summary><c>dotnet run -c Release --project tests/Telemetry.Benchmarks -- influx-ceiling [points] [batch] [connections]</c>:
/// starts a private influxd and prints its write ceiling.</summary>
public static class InfluxCeilingCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var points = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500_000;
        var batch = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5000;
        var connections = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 4;
        await using var server = await InfluxDbServer.StartNewAsync().ConfigureAwait(false);
        // One warm-up run creates the shard and the series.
        await InfluxCeiling.MeasureAsync(server, Math.Min(points, 50_000), batch, connections).ConfigureAwait(false);
        foreach (var gzip in new[] { false, true })
        {
            var result = await InfluxCeiling.MeasureAsync(server, points, batch, connections, gzip).ConfigureAwait(false);
            await output.WriteLineAsync(result.ToString()).ConfigureAwait(false);
            if (result.Stored != points)
            {
                await output.WriteLineAsync($"MISMATCH: posted {points}, stored {result.Stored}").ConfigureAwait(false);
                return 1;
            }
        }

        return 0;
    }
}
