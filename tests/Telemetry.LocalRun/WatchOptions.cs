using System.Globalization;

namespace Telemetry.LocalRun;

internal sealed record WatchOptions(
    Uri Influx,
    string Database,
    string AccessLog,
    Uri? ProbeUrl,
    string? ProbeFile,
    TimeSpan Duration,
    string RunId,
    string? Expected,
    string? SummaryOut,
    IReadOnlyList<(string Name, int Pid)> Processes,
    int ProgressSeconds,
    int DrainSeconds,
    int? StopPid)
{
    public const string Usage = """
        usage: telemetry-localrun watch --influx URL --access-log PATH [--database telemetry]
                 [--probe-url URL | --probe-file ACCESS_LOG] [--duration SECONDS (0: until Ctrl-C)] [--run-id ID]
                 [--expected by-class.json] [--summary-out summary.json] [--process name=pid ...]
                 [--progress SECONDS] [--drain SECONDS] [--stop-pid PID (the load generator)]
        exit code 0 when nothing was lost or duplicated and the per-class counts match --expected.
        """;

    public static WatchOptions? Parse(string[] args)
    {
        if (args.Length == 0 || args[0] != "watch")
        {
            return null;
        }

        Uri? influx = null, probe = null;
        string database = "telemetry", runId = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        string? log = null, expected = null, summary = null, probeFile = null;
        var duration = TimeSpan.Zero;
        int progress = 2, drain = 30;
        var processes = new List<(string, int)>();
        int? stopPid = null;
        for (var i = 1; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--influx": influx = new Uri(Next()); break;
                case "--database": database = Next(); break;
                case "--access-log": log = Next(); break;
                case "--probe-url": probe = new Uri(Next()); break;
                case "--probe-file": probeFile = Next(); break;
                case "--duration": duration = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
                case "--run-id": runId = Next(); break;
                case "--expected": expected = Next(); break;
                case "--summary-out": summary = Next(); break;
                case "--progress": progress = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--drain": drain = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--stop-pid": stopPid = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--process":
                    var pair = Next().Split('=', 2);
                    processes.Add((pair[0], int.Parse(pair[1], CultureInfo.InvariantCulture)));
                    break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        return influx is null || log is null
            ? null
            : new WatchOptions(influx, database, log, probe, probeFile, duration, runId, expected, summary, processes, progress, drain, stopPid);
    }
}
