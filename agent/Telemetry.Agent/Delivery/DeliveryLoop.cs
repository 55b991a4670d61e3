using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Telemetry.Agent.Batching;
using Telemetry.Agent.Metrics;

namespace Telemetry.Agent.Delivery;

/// <summary>
/// Takes sealed batches from the bounded channel and exports them, <c>batch.max_in_flight</c> at a time.
/// The exporter returns only with the collector's final answer (it retries transient failures itself),
/// so while the collector is down every worker waits, the channel fills and the reader stops.
/// On an answer, each file in the batch is told, and its checkpoint advances in order.
/// Records refused for good (partial success, or an invalid request) are counted in
/// <c>telemetry.agent.lines.rejected</c> and logged, and the checkpoint still advances over them: they
/// were refused by the collector's storage, sending them again would be refused again. That is the only
/// counted loss of lines that were read.
/// </summary>
public sealed class DeliveryLoop
{
    private readonly ChannelReader<LogBatch> _input;
    private readonly ILogExporter _exporter;
    private readonly AgentMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _workers;
    private int _inFlight;

    public DeliveryLoop(ChannelReader<LogBatch> input, ILogExporter exporter, int workers, AgentMetrics metrics, TimeProvider time, ILogger<DeliveryLoop> logger)
    {
        _input = input;
        _exporter = exporter;
        _workers = workers;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Runs until the channel is completed and drained, or <paramref name="cancellationToken"/> fires
    /// (batches then stay unacknowledged and are read again after a restart).</summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        var workers = new Task[_workers];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = WorkAsync(cancellationToken);
        }

        return Task.WhenAll(workers);
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _input.WaitToReadAsync(cancellationToken))
            {
                while (_input.TryRead(out var batch))
                {
                    using (batch)
                    {
                        await DeliverAsync(batch, cancellationToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(LogBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Records > 0)
        {
            Interlocked.Increment(ref _inFlight);
            var started = _time.GetTimestamp();
            ExportAck ack;
            try
            {
                _metrics.RecordsShipped(batch.Records);
                ack = await ExportUntilAnsweredAsync(batch, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }

            _metrics.DeliveryDuration(_time.GetElapsedTime(started));
            var rejected = ack.Status == ExportAckStatus.Rejected ? batch.Records : Math.Clamp(ack.RejectedRecords, 0, batch.Records);
            if (rejected > 0)
            {
                _metrics.RecordsRejected(rejected);
                Log.RecordsRejected(_logger, rejected, batch.Records, ack.Message ?? "");
            }

            _metrics.RecordsAcknowledged(batch.Records - rejected);
        }

        foreach (var participant in batch.Participants)
        {
            participant.Acknowledged(batch.Sequence);
        }
    }

    /// <summary>The exporter is meant to return only with an answer; should it throw anyway (a bug, a
    /// broken channel), the batch is not acknowledged and is tried again after a pause, never dropped.</summary>
    private async Task<ExportAck> ExportUntilAnsweredAsync(LogBatch batch, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await _exporter.ExportAsync(batch.Request, batch.Records, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _metrics.DeliveryFailed(1);
                Log.ExportFailed(_logger, batch.Records, e);
                await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken);
            }
        }
    }
}
