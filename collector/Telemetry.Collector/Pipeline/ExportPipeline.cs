using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;
using Telemetry.Collector.Mapping;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Pipeline;

/// <summary>
/// Decodes and maps an Export request into a pooled line-protocol buffer, hands it to the
/// <see cref="IPointSink"/>, and answers only once the sink has: <c>Ok</c> means stored. Mapping
/// failures of the whole request (undecodable bytes, over a per-request limit) are <c>InvalidArgument</c>
/// and nothing is written; records rejected one by one, by the mapping or by InfluxDB, are reported as a
/// partial success with their count and the first reason; a store that is down or a queue that is full
/// are <c>Unavailable</c>/<c>ResourceExhausted</c> with a retry delay, so the sender keeps its data.
/// An Export that does not fit the <see cref="AcceptedBytesBudget"/> (<c>influxdb.queue_max_bytes</c>) is
/// refused <c>ResourceExhausted</c> before it is mapped; the mapping buffer goes back to its pool as soon as
/// the sink has copied the points, not when they are written.
/// </summary>
public sealed class ExportPipeline : IExportPipeline
{
    private static readonly TimeSpan DefaultUnavailableRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DefaultOverloadedRetry = TimeSpan.FromSeconds(1);

    private readonly IPointSink _sink;
    private readonly LogsMapper _logs;
    private readonly MetricsMapper _metrics;
    private readonly MappingMetrics _meters;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ObjectPool<MappingSession> _sessions;
    private readonly AcceptedBytesBudget _budget;

    internal ExportPipeline(IPointSink sink, LogsMapper logs, MetricsMapper metrics, MappingMetrics meters, AcceptedBytesBudget budget, TimeProvider time, ILogger<ExportPipeline> logger)
    {
        _sink = sink;
        _budget = budget;
        _logs = logs;
        _metrics = metrics;
        _meters = meters;
        _time = time;
        _logger = logger;
        _sessions = new DefaultObjectPool<MappingSession>(new SessionPolicy(logs.MaxAttributes), Environment.ProcessorCount * 4);
    }

    public ValueTask<ExportResult> ExportLogsAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        if (!_budget.TryTake(request.Length))
        {
            return ValueTask.FromResult(OverBudget());
        }

        var session = _sessions.Get();
        MappingResult mapped;
        try
        {
            mapped = _logs.Map(request.Span, session, NowNanos());
            _meters.Mapped("http_requests", session.HttpPoints);
            _meters.Mapped("logs", session.LogPoints);
        }
        catch
        {
            _sessions.Return(session);
            _budget.Release(request.Length);
            throw;
        }

        return WriteAsync("logs", session, mapped, request.Length, cancellationToken);
    }

    public ValueTask<ExportResult> ExportMetricsAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        if (!_budget.TryTake(request.Length))
        {
            return ValueTask.FromResult(OverBudget());
        }

        var session = _sessions.Get();
        MappingResult mapped;
        try
        {
            mapped = _metrics.Map(request.Span, session, NowNanos());
            _meters.Mapped("metrics", mapped.Points);
        }
        catch
        {
            _sessions.Return(session);
            _budget.Release(request.Length);
            throw;
        }

        return WriteAsync("metrics", session, mapped, request.Length, cancellationToken);
    }

    private async ValueTask<ExportResult> WriteAsync(string signal, MappingSession session, MappingResult mapped, long held, CancellationToken cancellationToken)
    {
        var sessionReturned = false;
        try
        {
            _meters.Received(signal, mapped.Received);
            _meters.Truncated(mapped.Truncated);
            if (mapped.Error is not null)
            {
                _meters.Rejected(signal, "invalid", mapped.Received);
                Mapping.Log.RequestRefused(_logger, signal, mapped.Error);
                return ExportResult.Invalid(mapped.Error);
            }

            _meters.Rejected(signal, "mapping", mapped.Rejected);
            if (mapped.Points == 0)
            {
                return mapped.Rejected > 0 ? ExportResult.Partial(mapped.Rejected, mapped.RejectionMessage ?? "records rejected") : ExportResult.Success;
            }

            // The sink copies the points before WriteAsync returns: the session (and its buffer, as large as
            // the Export's line protocol) goes back to the pool now, not after InfluxDB has answered.
            var bytes = session.Output.Length;
            _budget.Add(bytes);
            held += bytes;
            // The sink's own wait is not cancelled: when the client goes away, the queue still holds these
            // points until they are written, so their bytes stay in the budget until then (released by the
            // continuation in WaitForWrite), not when the call ends.
            var pending = _sink.WriteAsync(session.Output.WrittenMemory, mapped.Points, CancellationToken.None);
            _sessions.Return(session);
            sessionReturned = true;
            var written = await WaitForWrite(pending, bytes, cancellationToken).ConfigureAwait(false);
            switch (written.Status)
            {
                case WriteStatus.Written:
                    var rejected = (long)mapped.Rejected + written.Rejected;
                    if (rejected == 0)
                    {
                        return ExportResult.Success;
                    }

                    var message = (mapped.RejectionMessage, written.Rejected > 0 ? written.Error : null) switch
                    {
                        ({ } m, { } w) => m + "; " + written.Rejected + " points refused by InfluxDB: " + w,
                        ({ } m, null) => m,
                        (null, { } w) => written.Rejected + " points refused by InfluxDB: " + w,
                        _ => rejected + " records rejected",
                    };
                    Mapping.Log.RecordsRejected(_logger, signal, rejected, message);
                    return ExportResult.Partial(rejected, message);
                case WriteStatus.Overloaded:
                    return ExportResult.Overloaded(written.Error ?? "the write queue is full", written.RetryAfter ?? DefaultOverloadedRetry);
                default:
                    return ExportResult.Unavailable(written.Error ?? "InfluxDB is unavailable", written.RetryAfter ?? DefaultUnavailableRetry);
            }
        }
        finally
        {
            if (!sessionReturned)
            {
                _sessions.Return(session);
            }

            _budget.Release(held);
        }
    }

    /// <summary>Waits for the sink's answer. When <paramref name="cancellationToken"/> ends the wait first, the
    /// points are still queued: <paramref name="bytes"/> (their line protocol) are taken again here, to leave
    /// the budget when the write completes, since the caller releases all it held as the call ends.</summary>
    private async ValueTask<WriteResult> WaitForWrite(ValueTask<WriteResult> pending, long bytes, CancellationToken cancellationToken)
    {
        if (pending.IsCompleted || !cancellationToken.CanBeCanceled)
        {
            return await pending.ConfigureAwait(false);
        }

        var task = pending.AsTask();
        try
        {
            return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !task.IsCompleted)
        {
            _budget.Add(bytes);
            _ = task.ContinueWith(static (_, state) => ((ReleaseOnWrite)state!).Run(), new ReleaseOnWrite(_budget, bytes), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    private sealed record ReleaseOnWrite(AcceptedBytesBudget Budget, long Bytes)
    {
        public void Run() => Budget.Release(Bytes);
    }

    /// <summary>The answer to an Export that does not fit the budget.</summary>
    private static readonly ExportResult OverBudgetResult =
        ExportResult.Overloaded("the collector holds influxdb.queue_max_bytes of accepted data not yet written to InfluxDB", DefaultOverloadedRetry);

    private ExportResult OverBudget()
    {
        _budget.CountRefusal();

        return OverBudgetResult;
    }

    private long NowNanos() => (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;

    private sealed class SessionPolicy(int maxAttributes) : IPooledObjectPolicy<MappingSession>
    {
        private const int MaxRetainedBytes = 4 * 1024 * 1024;

        public MappingSession Create() => new(maxAttributes);

        public bool Return(MappingSession obj)
        {
            if (obj.Output.Length > MaxRetainedBytes)
            {
                obj.Dispose();
                return false;
            }

            obj.Output.Clear();
            return true;
        }
    }
}
