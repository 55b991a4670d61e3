using System.Diagnostics.Metrics;

namespace Telemetry.Collector.Mapping;

/// <summary>
/// The mapping stage's self-metrics, on the collector's meter <c>Telemetry.Collector</c>:
/// <list type="bullet">
/// <item><c>telemetry.collector.records.received</c> (tag <c>signal</c> = logs|metrics): log records and
/// metric data points found in Export requests;</item>
/// <item><c>telemetry.collector.points.mapped</c> (tag <c>measurement</c> = http_requests|logs|metrics):
/// points produced;</item>
/// <item><c>telemetry.collector.mapping.rejected</c> (tags <c>signal</c>, <c>reason</c> = invalid|mapping): records
/// the mapping refused: <c>invalid</c> counts every record of a request refused whole (undecodable, over
/// <c>limits.max_records_per_request</c>), <c>mapping</c> single records (over
/// <c>limits.max_attributes_per_record</c>, nothing storable). What InfluxDB refuses is counted by the writer
/// (<c>telemetry.collector.points.rejected</c>), what is reported to clients by the receiver
/// (<c>telemetry.collector.records.rejected</c>);</item>
/// <item><c>telemetry.collector.strings.truncated</c>: string values cut at <c>limits.max_string_length</c>.</item>
/// </list>
/// </summary>
public sealed class MappingMetrics
{
    public const string MeterName = "Telemetry.Collector";

    private readonly Counter<long> _received;
    private readonly Counter<long> _mapped;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _truncated;

    public MappingMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _received = meter.CreateCounter<long>("telemetry.collector.records.received", "{record}", "Log records and metric data points received in Export requests.");
        _mapped = meter.CreateCounter<long>("telemetry.collector.points.mapped", "{point}", "Points produced by mapping, by measurement kind.");
        _rejected = meter.CreateCounter<long>("telemetry.collector.mapping.rejected", "{record}", "Log records and data points refused by the mapping, by signal and reason.");
        _truncated = meter.CreateCounter<long>("telemetry.collector.strings.truncated", "{value}", "String values cut at limits.max_string_length.");
    }

    public void Received(string signal, long count)
    {
        if (count > 0)
        {
            _received.Add(count, new KeyValuePair<string, object?>("signal", signal));
        }
    }

    public void Mapped(string measurement, long count)
    {
        if (count > 0)
        {
            _mapped.Add(count, new KeyValuePair<string, object?>("measurement", measurement));
        }
    }

    public void Rejected(string signal, string reason, long count)
    {
        if (count > 0)
        {
            _rejected.Add(count, new KeyValuePair<string, object?>("signal", signal), new KeyValuePair<string, object?>("reason", reason));
        }
    }

    public void Truncated(long count)
    {
        if (count > 0)
        {
            _truncated.Add(count);
        }
    }
}
