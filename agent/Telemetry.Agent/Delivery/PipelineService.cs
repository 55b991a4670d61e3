using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Telemetry.Agent.Batching;
using Telemetry.Agent.Checkpoints;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.Metrics;
using Telemetry.Agent.Tailing;

namespace Telemetry.Agent.Delivery;

/// <summary>
/// Runs the log pipeline: tailer -> batcher -> bounded channel -> delivery workers -> acknowledgements
/// -> checkpoints, plus the periodic checkpoint writer. On stop: reading stops, the open batch is sealed
/// and sent, and delivery gets <c>collector.shutdown_timeout</c> (default 3 s) to be answered. Then exports
/// in flight and retry waits are cancelled (a collector that is down or refusing does not hold the stop),
/// and checkpoints are written a last time with what was acknowledged: anything unacknowledged is read
/// again after the restart (and lands on the same points if the collector had stored it after all).
/// </summary>
public sealed class PipelineService : IHostedService, IDisposable
{
    private readonly AgentOptions _options;
    private readonly CheckpointStore _checkpoints;
    private readonly AgentMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<LogBatch> _channel;
    private readonly FileTailer _tailer;
    private readonly LogBatcher _batcher;
    private readonly DeliveryLoop _delivery;
    private readonly CancellationTokenSource _readCts = new();
    private readonly CancellationTokenSource _deliverCts = new();
    private readonly TimeSpan _shutdownTimeout;
    private readonly MeterProvider? _meterProvider;
    private Task? _reading;
    private Task? _delivering;
    private Task? _checkpointing;
    private long _lastCheckpointWrite;

    public PipelineService(AgentOptions options, IReadOnlyList<TailSource> sources, ILogExporter exporter, CheckpointStore checkpoints, AgentMetrics metrics, RequestMetrics requests, TimeProvider time, ILoggerFactory loggers, IOptions<CollectorOptions> collector, MeterProvider? meterProvider = null)
    {
        _options = options;
        _meterProvider = meterProvider;
        _shutdownTimeout = collector.Value.ShutdownTimeout;
        _checkpoints = checkpoints;
        _metrics = metrics;
        _time = time;
        _logger = loggers.CreateLogger<PipelineService>();
        _channel = Channel.CreateBounded<LogBatch>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = true });
        _batcher = new LogBatcher(options.Batch, sources, _channel.Writer, time);
        _tailer = new FileTailer(options, sources, checkpoints, _batcher, metrics, requests.Enabled ? requests : null, time, loggers.CreateLogger<FileTailer>());
        _delivery = new DeliveryLoop(_channel.Reader, exporter, options.Batch.MaxInFlight, metrics, time, loggers.CreateLogger<DeliveryLoop>());
        _lastCheckpointWrite = time.GetTimestamp();
        metrics.Observe(_tailer.Lag, () => _tailer.FileCount, () => _time.GetElapsedTime(_lastCheckpointWrite).TotalSeconds, () => _delivery.InFlight);
    }

    public FileTailer Tailer => _tailer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _checkpoints.Load();
        _delivering = Task.Run(() => _delivery.RunAsync(_deliverCts.Token), CancellationToken.None);
        _reading = Task.Run(ReadAsync, CancellationToken.None);
        _checkpointing = Task.Run(CheckpointAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var stopping = _time.GetTimestamp();
        await _readCts.CancelAsync();
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(_shutdownTimeout);
        try
        {
            if (_reading is not null)
            {
                await _reading.WaitAsync(grace.Token);
            }

            if (_delivering is not null)
            {
                await _delivering.WaitAsync(grace.Token);
            }
        }
        catch (OperationCanceledException)
        {
            Log.ShutdownWithBatchesInFlight(_logger, _shutdownTimeout);
        }
        finally
        {
            // Cancels exports in flight and retry waits; the tasks end promptly, and only then are checkpoints
            // written, so that no acknowledgement races the last save.
            await _deliverCts.CancelAsync();
            await WhenStopped(_reading);
            await WhenStopped(_delivering);
            await WhenStopped(_checkpointing);
            SaveCheckpoints();
            FlushMetrics(stopping);
        }
    }

    /// <summary>
    /// The last export of the agent's own metrics (they now include the final acknowledgements), bounded by
    /// what is left of <c>collector.shutdown_timeout</c> and at least <see cref="MetricsFlushFloor"/>. Without
    /// this the SDK flushes when the host disposes it, waiting up to 5 s for a collector that does not answer.
    /// </summary>
    private void FlushMetrics(long stopping)
    {
        if (_meterProvider is null)
        {
            return;
        }

        var left = _shutdownTimeout - _time.GetElapsedTime(stopping);
        var bound = left > MetricsFlushFloor ? left : MetricsFlushFloor;
        _meterProvider.Shutdown((int)Math.Min(bound.TotalMilliseconds, int.MaxValue));
    }

    private static readonly TimeSpan MetricsFlushFloor = TimeSpan.FromMilliseconds(500);

    private static async Task WhenStopped(Task? task)
    {
        if (task is not null)
        {
            await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            await _tailer.RunAsync(_readCts.Token);
            // Stop reading, but hand on what was read: delivery finishes it within the shutdown timeout.
            await _tailer.FlushAsync(_deliverCts.Token);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            Log.ReaderFailed(_logger, e);
            throw;
        }
        finally
        {
            _channel.Writer.TryComplete();
        }
    }

    private async Task CheckpointAsync()
    {
        try
        {
            while (!_deliverCts.IsCancellationRequested)
            {
                // Nothing to write while nothing moves: no wake-ups on an idle agent.
                await _checkpoints.WaitForChangeAsync(_deliverCts.Token);
                await Task.Delay(_options.CheckpointInterval, _time, _deliverCts.Token);
                SaveCheckpoints();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void SaveCheckpoints()
    {
        try
        {
            if (_checkpoints.Save())
            {
                _lastCheckpointWrite = _time.GetTimestamp();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.CheckpointWriteFailed(_logger, _checkpoints.FilePath, e.Message);
        }
    }

    public void Dispose()
    {
        _tailer.Dispose();
        _batcher.Dispose();
        _readCts.Dispose();
        _deliverCts.Dispose();
    }
}
