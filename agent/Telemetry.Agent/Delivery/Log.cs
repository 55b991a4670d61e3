using Microsoft.Extensions.Logging;

namespace Telemetry.Agent.Delivery;

internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "The collector refused {Rejected} of {Records} records for good ({Reason}); they are counted in telemetry.agent.lines.rejected and not sent again")]
    public static partial void RecordsRejected(ILogger logger, long rejected, int records, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Stopping with batches not acknowledged within collector.shutdown_timeout ({Timeout}); their lines are read again after the restart")]
    public static partial void ShutdownWithBatchesInFlight(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Critical, Message = "The reading loop failed")]
    public static partial void ReaderFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "Writing checkpoints to {Path} failed: {Reason}")]
    public static partial void CheckpointWriteFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "Export of {Records} records failed unexpectedly; trying the batch again")]
    public static partial void ExportFailed(ILogger logger, int records, Exception exception);
}
