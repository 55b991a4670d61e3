using System.Globalization;

namespace Telemetry.LocalRun;

internal sealed record WatchOptions(
    Uri Influx,
    string Database,
    IReadOnlyList<string> AccessLogs,
    Uri? ProbeUrl,
    TimeSpan Duration,
    string RunId,
    string? Expected,
    string? SummaryOut,
    IReadOnlyList<(string Name, int Pid)> Processes,
    int ProgressSeconds,
    int RssEverySeconds,
    int DrainSeconds,
    int DrainMaxSeconds,
    int? StopPid)
{
    public const string Usage = """
        usage: telemetry-localrun watch --influx URL --access-log PATH [--access-log PATH ...] [--database telemetry]
                 [--probe-url URL] [--duration SECONDS (0: until Ctrl-C)] [--run-id ID]
                 [--expected loadgen-summary.json] [--summary-out summary.json] [--process name=pid ...]
                 [--progress SECONDS (2)] [--rss-every SECONDS (0: off)] [--drain SECONDS (30)] [--drain-max SECONDS (600)]
                 [--stop-pid PID (the load generator)]
        Counts every line of the access logs and every http_requests point in the database (both are the run's
        own), probes latency through --probe-url, and prints a summary.
        exit code 0 when nothing was lost or duplicated and the per-class counts match --expected;
        1 when they do not; 3 when a --process exited during the run.
        """;

    public static WatchOptions? Parse(string[] args)
    {
        if (args.Length == 0 || args[0] != "watch")
        {
            return null;
        }

        Uri? influx = null, probe = null;
        string database = "telemetry", runId = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        string? expected = null, summary = null;
        var logs = new List<string>();
        var duration = TimeSpan.Zero;
        int progress = 2, rssEvery = 0, drain = 30, drainMax = 600;
        var processes = new List<(string, int)>();
        int? stopPid = null;
        for (var i = 1; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--influx": influx = new Uri(Next()); break;
                case "--database": database = Next(); break;
                case "--access-log": logs.Add(Next()); break;
                case "--probe-url": probe = new Uri(Next()); break;
                case "--duration": duration = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
                case "--run-id": runId = Next(); break;
                case "--expected": expected = Next(); break;
                case "--summary-out": summary = Next(); break;
                case "--progress": progress = Math.Max(1, NextInt()); break;
                case "--rss-every": rssEvery = Math.Max(0, NextInt()); break;
                case "--drain": drain = NextInt(); break;
                case "--drain-max": drainMax = NextInt(); break;
                case "--stop-pid": stopPid = NextInt(); break;
                case "--process":
                    var pair = Next().Split('=', 2);
                    processes.Add((pair[0], int.Parse(pair[1], CultureInfo.InvariantCulture)));
                    break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        return influx is null || logs.Count == 0
            ? null
            : new WatchOptions(influx, database, logs, probe, duration, runId, expected, summary, processes, progress, rssEvery, drain, drainMax, stopPid);
    }
}
