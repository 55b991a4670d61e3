using Microsoft.Extensions.Logging;

namespace Telemetry.Agent.HostMetrics;

/// <summary>Every log message of the host-metrics stage.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Host metrics: cannot read {Family} from {Source}; the family is left out until it can be read again")]
    public static partial void FamilyUnavailable(this ILogger logger, string family, string source, Exception? exception);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Host metrics: {Family} can be read again")]
    public static partial void FamilyRecovered(this ILogger logger, string family);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Host metrics on ({Platform}), refreshed at most every {Interval}, per-CPU {PerCpu}")]
    public static partial void Started(this ILogger logger, string platform, TimeSpan interval, bool perCpu);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Host metrics are disabled (host_metrics.enabled: false)")]
    public static partial void Disabled(this ILogger logger);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Host metrics are not available on {Platform}")]
    public static partial void UnsupportedPlatform(this ILogger logger, string platform);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Debug, Message = "Host metrics: statvfs({MountPoint}) failed with errno {Errno}")]
    public static partial void StatVfsFailed(this ILogger logger, string mountPoint, int errno);
}
