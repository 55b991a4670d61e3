using Microsoft.Extensions.Logging;

namespace Telemetry.Collector.SelfMetrics;

/// <summary>Every log message of the self-metrics reporter.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Self-metrics are enabled but no point sink is registered; they will not be written")]
    public static partial void NoSink(this ILogger logger);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Writing {Points} self-metric points failed ({Status}): {Error}; this interval's self-metrics are lost")]
    public static partial void WriteFailed(this ILogger logger, int points, string status, string? error);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Writing self-metrics threw")]
    public static partial void WriteThrew(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Writing self-metrics every {Interval}")]
    public static partial void Started(this ILogger logger, TimeSpan interval);
}
