using Microsoft.Extensions.Logging;

namespace Telemetry.Agent.Checkpoints;

internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Checkpoint file {Path} has unknown version {Version}; starting without checkpoints")]
    public static partial void CheckpointVersionUnknown(ILogger logger, string path, int version);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Checkpoint file {Path} is unreadable ({Reason}); starting without checkpoints")]
    public static partial void CheckpointFileUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Writing checkpoints to {Path} failed: {Reason}")]
    public static partial void CheckpointWriteFailed(ILogger logger, string path, string reason);
}
