using Microsoft.Extensions.Logging;

namespace Telemetry.Collector.Pipeline;

/// <summary>Log messages of the pipeline entry.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning,
        Message = "Refused {Refused} Export(s) since the last such line: the collector holds {Held} bytes for accepted Exports, influxdb.queue_max_bytes is {Limit} (InfluxDB is slower than the senders; they retry after 1 s and keep their data)")]
    public static partial void OverBudget(ILogger logger, long refused, long held, long limit);
}
