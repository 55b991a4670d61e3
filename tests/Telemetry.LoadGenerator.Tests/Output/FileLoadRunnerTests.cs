using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Telemetry.LoadGenerator.Formats;
using Telemetry.LoadGenerator.Output;
using Telemetry.LoadGenerator.Pacing;
using Telemetry.LoadGenerator.Traffic;
using Telemetry.TestKit;

namespace Telemetry.LoadGenerator.Tests.Output;

public class FileLoadRunnerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly Regex Rid = new(@"rid=(?<run>[A-Za-z0-9_.]+)-(?<n>\d+)", RegexOptions.Compiled);

    private static List<long> IdsIn(IEnumerable<string> files, string run)
    {
        var ids = new List<long>();
        foreach (var file in files)
        {
            foreach (var line in File.ReadLines(file))
            {
                if (line.StartsWith('#'))
                {
                    continue;
                }

                var m = Rid.Match(line);
                Assert.True(m.Success, $"no rid in: {line}");
                Assert.Equal(run, m.Groups["run"].Value);
                ids.Add(long.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return ids;
    }

    [Theory]
    [InlineData("rename")]
    [InlineData("copytruncate")]
    public async Task Rotation_keeps_every_line_exactly_once_across_the_rotated_files(string mode)
    {
        using var dir = new TempDirectory("loadgen");
        var path = dir.Combine("access.log");
        var options = new FileRunOptions
        {
            Path = path,
            Formatter = new NginxLineFormatter(NginxLineFormatter.Timed),
            Traffic = new TrafficOptions { Seed = 4, RunId = "rot" },
            Schedule = new RateSchedule { Rate = 1000 },
            Count = 10_000,
            Pace = "none",
            Start = T0,
            RotateLines = 3_000,
            RotateMode = mode,
        };
        var summary = await new FileLoadRunner(options, TimeProvider.System).RunAsync(CancellationToken.None);

        Assert.Equal(3, summary.Rotations);
        Assert.Equal([path, path + ".1", path + ".2", path + ".3"], summary.Files.Order(StringComparer.Ordinal));
        Assert.Equal(3_000, File.ReadLines(path + ".3").Count());
        Assert.Equal(1_000, File.ReadLines(path).Count());
        var ids = IdsIn(summary.Files, "rot");
        Assert.Equal(10_000, ids.Count);
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => (long)i), ids.Order());
        Assert.Equal(0, summary.FirstSequence);
        Assert.Equal(9_999, summary.LastSequence);
    }

    [Fact]
    public async Task Rotation_on_a_schedule_rewrites_the_iis_header_in_each_new_file()
    {
        using var dir = new TempDirectory("loadgen");
        var path = dir.Combine("u_ex.log");
        var options = new FileRunOptions
        {
            Path = path,
            Formatter = new IisW3cLineFormatter(IisW3cLineFormatter.Extended),
            Traffic = new TrafficOptions { Seed = 4, RunId = "iis" },
            Schedule = new RateSchedule { Rate = 50 },
            Duration = TimeSpan.FromSeconds(10),
            Pace = "none",
            Start = T0,
            RotateEvery = TimeSpan.FromSeconds(4),
            RotateMode = "copytruncate",
        };
        var summary = await new FileLoadRunner(options, TimeProvider.System).RunAsync(CancellationToken.None);

        Assert.Equal(2, summary.Rotations);
        Assert.Equal(500, summary.Total);
        foreach (var file in summary.Files)
        {
            var lines = File.ReadAllLines(file);
            Assert.StartsWith("#Software:", lines[0], StringComparison.Ordinal);
            Assert.Equal(4, lines.Count(l => l.StartsWith('#')));
        }

        Assert.Equal(500, IdsIn(summary.Files, "iis").Distinct().Count());
    }

    [Fact]
    public async Task Steady_ramp_and_burst_shapes_give_the_per_second_counts_asked_for()
    {
        using var dir = new TempDirectory("loadgen");
        async Task<IReadOnlyDictionary<long, long>> Run(RateSchedule schedule)
        {
            var options = new FileRunOptions
            {
                Path = dir.Combine(schedule.Shape + ".log"),
                Formatter = new ApacheLineFormatter(ApacheLineFormatter.Combined),
                Schedule = schedule,
                Duration = TimeSpan.FromSeconds(20),
                Pace = "none",
                Start = T0,
            };
            var summary = await new FileLoadRunner(options, TimeProvider.System).RunAsync(CancellationToken.None);
            Assert.Equal(summary.Total, File.ReadLines(options.Path).Count());
            return summary.PerSecond;
        }

        var steady = await Run(new RateSchedule { Rate = 200 });
        Assert.Equal(20, steady.Count);
        Assert.All(steady.Values, v => Assert.InRange(v, 199, 201));

        var ramp = await Run(new RateSchedule { Shape = "ramp", Rate = 10, RampTo = 410, RampOver = TimeSpan.FromSeconds(20) });
        var s0 = T0.ToUnixTimeSeconds();
        Assert.InRange(ramp[s0], 10, 30);
        Assert.InRange(ramp[s0 + 10], 200, 230);
        Assert.InRange(ramp[s0 + 19], 380, 410);

        var bursts = await Run(new RateSchedule { Shape = "bursts", Rate = 20, BurstEvery = TimeSpan.FromSeconds(10), BurstLength = TimeSpan.FromSeconds(2), BurstFactor = 10 });
        Assert.InRange(bursts[s0 + 3], 19, 21);
        Assert.InRange(bursts[s0 + 8], 190, 210);
        Assert.InRange(bursts[s0 + 19], 190, 210);
    }

    [Fact]
    public async Task Real_pace_writes_lines_as_the_clock_advances_and_stamps_them_with_it()
    {
        using var dir = new TempDirectory("loadgen");
        var clock = new FakeTimeProvider(T0);
        var options = new FileRunOptions
        {
            Path = dir.Combine("paced.log"),
            Formatter = new NginxLineFormatter(NginxLineFormatter.Combined),
            Schedule = new RateSchedule { Rate = 10 },
            Duration = TimeSpan.FromSeconds(3),
        };
        var run = new FileLoadRunner(options, clock).RunAsync(CancellationToken.None);
        for (var i = 0; i < 1_000 && !run.IsCompleted; i++)
        {
            await Task.Delay(1);
            clock.Advance(TimeSpan.FromMilliseconds(50));
        }

        var summary = await run;
        Assert.Equal(30, summary.Total);
        Assert.Equal(3, summary.PerSecond.Count);
        Assert.All(summary.PerSecond.Values, v => Assert.Equal(10, v));
        Assert.Equal(T0, summary.FirstTimestamp);
    }

    [Fact]
    public async Task Bursts_of_5xx_land_in_the_burst_windows()
    {
        using var dir = new TempDirectory("loadgen");
        var options = new FileRunOptions
        {
            Path = dir.Combine("burst.log"),
            Formatter = new NginxLineFormatter(NginxLineFormatter.Combined),
            Traffic = new TrafficOptions { Seed = 8, Rate5xx = 0.0, Burst5xxRate = 1.0, Burst5xxEvery = TimeSpan.FromSeconds(10), Burst5xxLength = TimeSpan.FromSeconds(2) },
            Schedule = new RateSchedule { Rate = 100 },
            Duration = TimeSpan.FromSeconds(30),
            Pace = "none",
            Start = T0,
        };
        var summary = await new FileLoadRunner(options, TimeProvider.System).RunAsync(CancellationToken.None);
        Assert.Equal(600, summary.StatusClasses["5xx"]);
        Assert.Equal(3_000, summary.Total);
    }
}
