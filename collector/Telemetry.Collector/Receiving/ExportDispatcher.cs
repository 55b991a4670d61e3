using Microsoft.Extensions.Logging;
using Telemetry.Collector.Pipeline;

namespace Telemetry.Collector.Receiving;

/// <summary>
/// The part both receivers share: hands a decoded request to <see cref="IExportPipeline"/>, turns the
/// result into an <see cref="ExportAnswer"/> and records it (metrics, log). A pipeline exception is
/// answered UNAVAILABLE, so the client keeps its data and retries.
/// </summary>
public sealed class ExportDispatcher
{
    private readonly IExportPipeline _pipeline;
    private readonly ReceiverMetrics _metrics;
    private readonly ILogger<ExportDispatcher> _logger;

    public ExportDispatcher(IExportPipeline pipeline, ReceiverMetrics metrics, ILogger<ExportDispatcher> logger)
    {
        _pipeline = pipeline;
        _metrics = metrics;
        _logger = logger;
    }

    public async ValueTask<ExportAnswer> ExportAsync(OtlpSignal signal, ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        ExportResult result;
        try
        {
            result = signal == OtlpSignal.Logs
                ? await _pipeline.ExportLogsAsync(request, cancellationToken)
                : await _pipeline.ExportMetricsAsync(request, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExportAnswers.Cancelled;
        }
        catch (Exception e)
        {
            _logger.PipelineFailed(signal, e);
            return ExportAnswers.From(ExportResult.Unavailable("collector pipeline failed: " + e.GetType().Name, ExportAnswers.DefaultRetryAfter));
        }

        return ExportAnswers.From(result);
    }

    /// <summary>Counts and logs an answer once it is decided.</summary>
    public void Record(string protocol, OtlpSignal signal, string? peer, in ExportAnswer answer, long bodyBytes, TimeSpan elapsed)
    {
        _metrics.Answered(protocol, signal, answer, bodyBytes, elapsed);
        if (answer.Outcome == "overloaded")
        {
            // Can happen for every request while InfluxDB stalls: the pipeline writes a rate-limited warning.
            _logger.Answered(protocol, signal, peer, answer.Outcome, answer.Message);
        }
        else if (!answer.IsSuccess)
        {
            _logger.Refused(protocol, signal, peer, answer.Outcome, answer.Message);
        }
        else if (answer.Rejected > 0)
        {
            _logger.Partial(protocol, signal, peer, answer.Rejected, answer.Message);
        }
        else
        {
            _logger.Answered(protocol, signal, peer, answer.Outcome, answer.Message);
        }
    }
}
