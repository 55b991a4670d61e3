using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Telemetry.Agent.Batching;
using Telemetry.Agent.Checkpoints;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.Metrics;
using Telemetry.Agent.Tailing;
using Telemetry.TestKit;

namespace Telemetry.Agent.Tests.Tailing;

/// <summary>
/// The tailer on a fake clock: it only polls when the test advances time, so a line read without advancing it
/// was read because a file-system event woke the loop.
/// </summary>
public sealed class IdlePollingTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Idle_tailer_backs_off_to_idle_poll_interval_and_a_write_wakes_it_at_once()
    {
        using var dir = new TempDirectory();
        await using var tailer = new FakeClockTailer(dir, dir.Combine("logs", "access.log"));
        File.WriteAllText(tailer.Log, "");
        tailer.Start();
        await Until(() => tailer.Tailer.ScanCount >= 1 && tailer.Tailer.Watched, "the first scan with the directory watched");

        // Nothing to read: each idle round waits twice as long as the one before, up to idle_poll_interval.
        var seen = new List<TimeSpan>();
        await Until(
            () =>
            {
                var next = tailer.Tailer.IdleWait;
                if (seen.Count == 0 || seen[^1] != next)
                {
                    seen.Add(next);
                }

                tailer.Time.Advance(next);
                return next == IdlePoll;
            },
            "the idle wait to reach idle_poll_interval");
        Assert.Equal([Poll * 2, Poll * 4, Poll * 8, Poll * 16, IdlePoll], seen.Where(w => w > Poll));

        // A round now waits for idle_poll_interval on the fake clock, which no longer moves: only the
        // file-system event of the write can wake it.
        await Task.Delay(200);
        PipelineHarness.Append(tailer.Log, 1, 3);
        await Until(() => tailer.LinesRead.Total == 3, "the lines to be read without the clock moving", timeoutMs: 10_000);

        // Having read something, it polls at poll_interval again.
        await Until(() => tailer.Tailer.IdleWait <= Poll * 2, "the wait to drop back to poll_interval");
    }

    [Fact]
    public async Task Base_directory_created_after_start_is_polled_at_poll_interval_until_it_is_watched()
    {
        using var dir = new TempDirectory();
        await using var tailer = new FakeClockTailer(dir, dir.Combine("later", "access.log"));
        tailer.Start();
        await Until(() => tailer.Tailer.ScanCount >= 1, "the first scan");
        for (var i = 0; i < 5; i++)
        {
            var scans = tailer.Tailer.ScanCount;
            tailer.Time.Advance(Poll);
            await Until(() => tailer.Tailer.ScanCount > scans, "a scan every poll_interval");
            Assert.False(tailer.Tailer.Watched);
            Assert.Equal(Poll, tailer.Tailer.IdleWait);
        }

        Directory.CreateDirectory(dir.Combine("later"));
        await Until(
            () =>
            {
                tailer.Time.Advance(Poll);
                return tailer.Tailer.Watched;
            },
            "the new directory to be watched");
        File.WriteAllText(tailer.Log, "");
        await Until(
            () =>
            {
                tailer.Time.Advance(Poll);
                return tailer.Tailer.FileCount == 1 && tailer.Tailer.IdleWait == IdlePoll;
            },
            "the file to be found and the wait to grow");
        PipelineHarness.Append(tailer.Log, 1, 2);
        await Until(() => tailer.LinesRead.Total == 2, "the lines to be read on the event", timeoutMs: 10_000);
    }

    [Fact]
    public async Task Directory_replaced_while_idle_is_watched_again()
    {
        using var dir = new TempDirectory();
        await using var tailer = new FakeClockTailer(dir, dir.Combine("logs", "access.log"));
        tailer.Start();
        await Until(() => tailer.Tailer.Watched, "the directory to be watched");

        // Deleted and created again: the old watch follows the deleted directory and would never fire.
        Directory.Delete(dir.Combine("logs"), recursive: true);
        Directory.CreateDirectory(dir.Combine("logs"));
        await Until(
            () =>
            {
                tailer.Time.Advance(Poll);
                return tailer.Tailer.IdleWait == IdlePoll;
            },
            "the wait to grow again, with the new directory watched");
        Assert.True(tailer.Tailer.Watched);
        await Task.Delay(200);
        PipelineHarness.Append(tailer.Log, 1, 1);
        await Until(() => tailer.LinesRead.Total == 1, "the line written in the new directory to be read on its event", timeoutMs: 10_000);
    }

    private static async Task Until(Func<bool> condition, string what, int timeoutMs = 30_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }

            await Task.Delay(10);
        }
    }

    private sealed class FakeClockTailer : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cts = new();
        private readonly LogBatcher _batcher;
        private readonly AgentMetrics _metrics = new();
        private Task _running = Task.CompletedTask;

        public FakeClockTailer(TempDirectory dir, string log)
        {
            Log = log;
            Directory.CreateDirectory(dir.Combine("logs"));
            var options = new AgentOptions
            {
                StateDir = dir.Combine("state"),
                PollInterval = Poll,
                IdlePollInterval = IdlePoll,
                Batch = new BatchOptions { MaxRecords = 100, MaxBytes = 1024 * 1024, MaxDelay = TimeSpan.FromMilliseconds(300), MaxInFlight = 1 },
                Sources = [new SourceOptions { Name = "test", Format = "json", Paths = [log], StartAt = "beginning" }],
            };
            var sources = new List<TailSource> { new(0, options.Sources[0], new TestFormat(), [new("host.name", "test-host")]) };
            var checkpoints = new CheckpointStore(options.StateDir, Time, options.ForgetAfter, NullLogger<CheckpointStore>.Instance);
            var channel = Channel.CreateUnbounded<LogBatch>();
            _batcher = new LogBatcher(options.Batch, sources, channel.Writer, Time);
            Tailer = new FileTailer(options, sources, checkpoints, _batcher, _metrics, null, Time, NullLogger<FileTailer>.Instance);
            LinesRead = new MeterCounter(_metrics.Meter, "telemetry.agent.lines.read");
        }

        public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

        public FileTailer Tailer { get; }

        public MeterCounter LinesRead { get; }

        public string Log { get; }

        public void Start() => _running = Task.Run(() => Tailer.RunAsync(_cts.Token));

        public async ValueTask DisposeAsync()
        {
            await _cts.CancelAsync();
            await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            LinesRead.Dispose();
            Tailer.Dispose();
            _batcher.Dispose();
            _metrics.Dispose();
            _cts.Dispose();
        }
    }
}
