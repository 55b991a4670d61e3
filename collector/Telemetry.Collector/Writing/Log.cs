using Microsoft.Extensions.Logging;

namespace Telemetry.Collector.Writing;

/// <summary>Every log message of the write stage.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "InfluxDB write failed ({Reason}); retry {Attempt} of {MaxRetries} in {DelayMs} ms")]
    public static partial void WriteRetrying(this ILogger logger, string reason, int attempt, int maxRetries, long delayMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "InfluxDB write of {Points} points failed after {Attempts} attempts: {Reason}")]
    public static partial void WriteGaveUp(this ILogger logger, int points, int attempts, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "InfluxDB refused the credentials ({Status}) at {Url}: check influxdb.username/password or influxdb.token: {Reason}")]
    public static partial void WriteUnauthorized(this ILogger logger, int status, string url, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "InfluxDB rejected point: {Reason}; line: {Line}")]
    public static partial void PointRejected(this ILogger logger, string reason, string line);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "InfluxDB answered 413 for {Points} points ({Bytes} bytes): splitting the batch")]
    public static partial void BatchTooLarge(this ILogger logger, int points, int bytes);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "Isolating bad points in a batch of {Points}: {Reason}")]
    public static partial void Isolating(this ILogger logger, int points, string reason);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Error, Message = "InfluxDB answered {Status} at {Url}: {Reason} (does the database/bucket exist?)")]
    public static partial void WriteNotFound(this ILogger logger, int status, string url, string reason);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "Write queue full ({Queued} of {Max} points, influxdb.queue_max_points): answered overloaded {Refused} time(s) since the last such line")]
    public static partial void QueueFull(this ILogger logger, long refused, long queued, int max);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Information, Message = "Write queue flushing {Points} accepted points before shutdown")]
    public static partial void Flushing(this ILogger logger, long points);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Error, Message = "Write queue stopped before {Points} accepted points were written")]
    public static partial void FlushIncomplete(this ILogger logger, long points);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Error, Message = "InfluxDB write failed unexpectedly; its callers are told to retry")]
    public static partial void WriteCrashed(this ILogger logger, Exception exception);
}
