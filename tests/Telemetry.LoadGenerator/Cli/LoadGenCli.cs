using System.Globalization;
using Telemetry.LoadGenerator.Formats;
using Telemetry.LoadGenerator.Http;
using Telemetry.LoadGenerator.Output;
using Telemetry.LoadGenerator.Pacing;
using Telemetry.LoadGenerator.Traffic;

namespace Telemetry.LoadGenerator.Cli;

/// <summary><c>telemetry-loadgen file|http [options]</c>: runs, then prints the JSON summary on stdout.</summary>
public static class LoadGenCli
{
    public const string Usage = """
        usage: telemetry-loadgen file --out PATH --format apache|nginx|iis [--preset NAME | --log-format STR] [common options]
                                      [--pace real|none] [--start ISO8601] [--rotate-every 30s | --rotate-lines N]
                                      [--rotate-mode rename|copytruncate] [--rotate-keep N]
               telemetry-loadgen http --url http://127.0.0.1:PORT [--concurrency 16] [--timeout 10s] [common options]
        common options: --count N  --duration 60s  --seed N  --run-id ID
                        --rate 100  --shape steady|ramp|bursts  --ramp-to 1000 --ramp-over 60s
                        --burst-every 30s --burst-length 3s --burst-factor 10
                        --rate-3xx 0.08 --rate-4xx 0.06 --rate-5xx 0.01
                        --burst-5xx-every 0s --burst-5xx-length 5s --burst-5xx-rate 0.5
                        --routes /a,/b/{id} --ids 1000 --zipf 1.1 --clients 500 --ipv6-share 0.2
                        --vhosts www.example.test,api.example.test --server-port 80
        presets: apache common|combined|vhost_combined|timed (%D + X-Request-Id), nginx combined|timed
                 ($request_time $request_id $host), iis default|extended
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider time, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await stderr.WriteLineAsync(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            var reader = new ArgumentReader(args[1..]);
            var traffic = ReadTraffic(reader);
            var schedule = ReadSchedule(reader);
            var count = reader.Long("count");
            var duration = reader.Duration("duration");
            Reporting.RunSummary summary;
            switch (args[0])
            {
                case "file":
                {
                    var formatter = LineFormatterFactory.Create(
                        reader.String("format") ?? throw new ArgumentException("--format: required (apache, nginx or iis)"),
                        reader.String("log-format"),
                        reader.String("preset"));
                    var startText = reader.String("start");
                    var options = new FileRunOptions
                    {
                        Path = reader.String("out") ?? throw new ArgumentException("--out: required (the log file to append to)"),
                        Formatter = formatter,
                        Traffic = traffic,
                        Schedule = schedule,
                        Count = count,
                        Duration = duration,
                        Pace = reader.String("pace", "real"),
                        Start = startText is null ? null : DateTimeOffset.Parse(startText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                        RotateEvery = reader.Duration("rotate-every"),
                        RotateLines = reader.Long("rotate-lines"),
                        RotateMode = reader.String("rotate-mode", "rename"),
                        RotateKeep = reader.Int("rotate-keep", 100),
                    };
                    reader.EnsureAllUsed();
                    summary = await new FileLoadRunner(options, time).RunAsync(cancellationToken);
                    break;
                }

                case "http":
                {
                    var url = reader.String("url") ?? throw new ArgumentException("--url: required (e.g. http://127.0.0.1:8080)");
                    var options = new HttpRunOptions
                    {
                        Url = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"--url: not an absolute URL: '{url}'"),
                        Traffic = traffic,
                        Schedule = schedule,
                        Count = count,
                        Duration = duration,
                        Concurrency = reader.Int("concurrency", 16),
                        Timeout = reader.Duration("timeout", TimeSpan.FromSeconds(10)),
                    };
                    reader.EnsureAllUsed();
                    summary = await new HttpLoadRunner(options, time).RunAsync(cancellationToken);
                    break;
                }

                default:
                    await stderr.WriteLineAsync($"unknown command '{args[0]}'\n{Usage}");
                    return 2;
            }

            await stdout.WriteLineAsync(summary.ToJson());
            return 0;
        }
        catch (Exception ex) when (ex is ArgumentException or LogFormatTextException or FormatException)
        {
            await stderr.WriteLineAsync("telemetry-loadgen: " + ex.Message);
            return 2;
        }
    }

    private static TrafficOptions ReadTraffic(ArgumentReader reader)
    {
        var traffic = new TrafficOptions
        {
            Seed = reader.Int("seed", 1),
            RunId = reader.String("run-id"),
            IdsPerRoute = reader.Int("ids", 1000),
            ZipfExponent = reader.Double("zipf", 1.1),
            Rate3xx = reader.Double("rate-3xx", 0.08),
            Rate4xx = reader.Double("rate-4xx", 0.06),
            Rate5xx = reader.Double("rate-5xx", 0.01),
            Burst5xxRate = reader.Double("burst-5xx-rate", 0.5),
            Burst5xxEvery = reader.Duration("burst-5xx-every", TimeSpan.Zero),
            Burst5xxLength = reader.Duration("burst-5xx-length", TimeSpan.FromSeconds(5)),
            Clients = reader.Int("clients", 500),
            Ipv6Share = reader.Double("ipv6-share", 0.2),
            ServerPort = reader.Int("server-port", 80),
        };
        if (reader.List("routes") is { } routes)
        {
            traffic.Routes = routes;
        }

        if (reader.List("vhosts") is { } vhosts)
        {
            traffic.VirtualHosts = vhosts;
        }

        return traffic;
    }

    private static RateSchedule ReadSchedule(ArgumentReader reader) => new()
    {
        Shape = reader.String("shape", "steady"),
        Rate = reader.Double("rate", 100),
        RampTo = reader.Double("ramp-to", 1000),
        RampOver = reader.Duration("ramp-over", TimeSpan.FromSeconds(60)),
        BurstEvery = reader.Duration("burst-every", TimeSpan.FromSeconds(30)),
        BurstLength = reader.Duration("burst-length", TimeSpan.FromSeconds(3)),
        BurstFactor = reader.Double("burst-factor", 10),
    };
}
