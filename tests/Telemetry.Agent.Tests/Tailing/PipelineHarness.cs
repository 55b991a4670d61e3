using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Telemetry.Agent.Batching;
using Telemetry.Agent.Checkpoints;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.Delivery;
using Telemetry.Agent.Metrics;
using Telemetry.Agent.Tailing;
using Telemetry.TestKit;

namespace Telemetry.Agent.Tests.Tailing;

/// <summary>The real tailer, batcher, delivery loop and checkpoint store over a temp dir, with a fake exporter.</summary>
internal sealed class PipelineHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _reading;
    private readonly Task _delivering;
    private readonly LogBatcher _batcher;

    public PipelineHarness(TempDirectory dir, FakeExporter exporter, Action<AgentOptions>? configure = null, string glob = "access.log", string startAt = "beginning", Microsoft.Extensions.Logging.ILogger<FileTailer>? logger = null)
    {
        Dir = dir;
        Exporter = exporter;
        Options = new AgentOptions
        {
            StateDir = dir.Combine("state"),
            PollInterval = TimeSpan.FromMilliseconds(20),
            RotateWait = TimeSpan.FromMilliseconds(200),
            CheckpointInterval = TimeSpan.FromMilliseconds(50),
            Batch = new BatchOptions { MaxRecords = 100, MaxBytes = 1024 * 1024, MaxDelay = TimeSpan.FromMilliseconds(20), MaxInFlight = 2 },
            Sources = [new SourceOptions { Name = "test", Format = "json", Paths = [dir.Combine("logs", glob)], StartAt = startAt }],
        };
        configure?.Invoke(Options);
        Directory.CreateDirectory(dir.Combine("logs"));
        Metrics = new AgentMetrics();
        Checkpoints = new CheckpointStore(Options.StateDir, TimeProvider.System, Options.ForgetAfter, NullLogger<CheckpointStore>.Instance);
        Checkpoints.Load();
        var sources = new List<TailSource> { new(0, Options.Sources[0], new TestFormat(), [new("host.name", "test-host")]) };
        var channel = Channel.CreateBounded<LogBatch>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.Wait });
        _batcher = new LogBatcher(Options.Batch, sources, channel.Writer, TimeProvider.System);
        Tailer = new FileTailer(Options, sources, Checkpoints, _batcher, Metrics, null, TimeProvider.System, logger ?? NullLogger<FileTailer>.Instance);
        var delivery = new DeliveryLoop(channel.Reader, exporter, Options.Batch.MaxInFlight, Metrics, TimeProvider.System, NullLogger<DeliveryLoop>.Instance);
        _delivering = Task.Run(() => delivery.RunAsync(_cts.Token));
        _reading = Task.Run(() => Tailer.RunAsync(_cts.Token));
    }

    public TempDirectory Dir { get; }

    public FakeExporter Exporter { get; }

    public AgentOptions Options { get; }

    public AgentMetrics Metrics { get; }

    public CheckpointStore Checkpoints { get; }

    public FileTailer Tailer { get; }

    public string Log(string name = "access.log") => Dir.Combine("logs", name);

    public static void Append(string path, long fromRid, int count, long seconds = 1_700_000_000)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        using var writer = new StreamWriter(stream) { NewLine = "\n" };
        for (var i = 0; i < count; i++)
        {
            writer.WriteLine($"t={seconds} rid={fromRid + i} GET /index.html");
        }
    }

    public async Task WaitForAsync(Func<bool> condition, string what, int timeoutMs = 30000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}; delivered {Volatile.Read(ref Exporter.RecordCount)} records");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Waits until <paramref name="expected"/> distinct rids were delivered, then a little more to catch duplicates.</summary>
    public async Task<List<long>> DeliveredAsync(int expected)
    {
        await WaitForAsync(() => Volatile.Read(ref Exporter.RecordCount) >= expected, $"{expected} records");
        await Task.Delay(150);
        return Exporter.Rids();
    }

    /// <summary>Stops like the host does: reading stops, checkpoints are written.</summary>
    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        await _reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _delivering.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Checkpoints.Save();
        Tailer.Dispose();
        _batcher.Dispose();
        Metrics.Dispose();
        _cts.Dispose();
    }

    public static void AssertExactlyOnce(IEnumerable<long> expected, List<long> delivered)
    {
        var duplicates = delivered.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key).Take(10).ToList();
        Assert.True(duplicates.Count == 0, "duplicated rids: " + string.Join(",", duplicates));
        var missing = expected.Except(delivered).Take(10).ToList();
        Assert.True(missing.Count == 0, "missing rids: " + string.Join(",", missing));
        var extra = delivered.Except(expected).Take(10).ToList();
        Assert.True(extra.Count == 0, "unexpected rids: " + string.Join(",", extra));
    }
}
