using Microsoft.Extensions.Logging;

namespace Telemetry.Collector.Mapping;

/// <summary>Log messages of the mapping stage.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Refused an Export of {Signal}: {Reason}")]
    public static partial void RequestRefused(ILogger logger, string signal, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Stored an Export of {Signal} with {Rejected} records rejected: {Reason}")]
    public static partial void RecordsRejected(ILogger logger, string signal, long rejected, string reason);
}
