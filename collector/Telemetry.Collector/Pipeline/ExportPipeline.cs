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

    internal ExportPipeline(IPointSink sink, LogsMapper logs, MetricsMapper metrics, MappingMetrics meters, TimeProvider time, ILogger<ExportPipeline> logger)
    {
        _sink = sink;
        _logs = logs;
        _metrics = metrics;
        _meters = meters;
        _time = time;
        _logger = logger;
        _sessions = new DefaultObjectPool<MappingSession>(new SessionPolicy(logs.MaxAttributes), Environment.ProcessorCount * 4);
    }

    public ValueTask<ExportResult> ExportLogsAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
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
            throw;
        }

        return WriteAsync("logs", session, mapped, cancellationToken);
    }

    public ValueTask<ExportResult> ExportMetricsAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
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
            throw;
        }

        return WriteAsync("metrics", session, mapped, cancellationToken);
    }

    private async ValueTask<ExportResult> WriteAsync(string signal, MappingSession session, MappingResult mapped, CancellationToken cancellationToken)
    {
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

            var written = await _sink.WriteAsync(session.Output.WrittenMemory, mapped.Points, cancellationToken).ConfigureAwait(false);
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
            _sessions.Return(session);
        }
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
