using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Telemetry.Agent.Delivery;

/// <summary>Every log message of the OTLP client, with stable event ids (3000-3099).</summary>
internal static partial class OtlpLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning,
        Message = "Collector not reachable ({Status}: {Detail}); retry {Retry} in {Delay}; lines wait in their files")]
    public static partial void CollectorUnreachable(ILogger logger, StatusCode status, string detail, TimeSpan delay, long retry);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error,
        Message = "Collector refuses the agent ({Status}: {Detail}); retrying in {Delay} until the configuration is fixed: {Hint}")]
    public static partial void CollectorRefuses(ILogger logger, StatusCode status, string detail, TimeSpan delay, string hint);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error,
        Message = "Collector rejected a batch of {Records} records for good ({Status}: {Detail}); they will not be sent again")]
    public static partial void BatchRejected(ILogger logger, StatusCode status, int records, string detail);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information,
        Message = "Collector accepted a batch after {Retries} retries")]
    public static partial void CollectorRecovered(ILogger logger, long retries);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information,
        Message = "Bearer token reloaded from {File}")]
    public static partial void BearerTokenReloaded(ILogger logger, string file);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning,
        Message = "Bearer token file {File} is unusable ({Reason}); keeping the previous token")]
    public static partial void BearerTokenFileUnusable(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning,
        Message = "Collector stored the whole batch with a warning: {Warning}")]
    public static partial void CollectorWarning(ILogger logger, string warning);
}
