using System.Text;
using Telemetry.Collector.Configuration;
using Telemetry.Collector.Enrichment;
using Telemetry.Collector.Mapping;

namespace Telemetry.Collector.Tests.Mapping;

/// <summary>A logs/metrics mapper with its session, returning the line protocol as text.</summary>
internal sealed class MappingHarness : IDisposable
{
    public const long ReceiveNanos = 1_700_000_000_000_000_000;

    private readonly MappingSession _session;

    public MappingHarness(LimitsOptions? limits = null, EnrichmentOptions? enrichment = null)
    {
        limits ??= new LimitsOptions();
        enrichment ??= new EnrichmentOptions();
        Routes = new RouteTemplater(enrichment.MaxRoutes, enrichment.RouteRules);
        StaticTags = new StaticTags(enrichment.StaticTags);
        Logs = new LogsMapper(limits, Routes, StaticTags);
        Metrics = new MetricsMapper(limits, StaticTags);
        _session = new MappingSession(limits.MaxAttributesPerRecord);
    }

    public RouteTemplater Routes { get; }

    public StaticTags StaticTags { get; }

    public LogsMapper Logs { get; }

    public MetricsMapper Metrics { get; }

    public MappingResult Result { get; private set; }

    public string MapLogs(byte[] request)
    {
        Result = Logs.Map(request, _session, ReceiveNanos);
        return Encoding.UTF8.GetString(_session.Output.WrittenSpan);
    }

    public string MapMetrics(byte[] request)
    {
        Result = Metrics.Map(request, _session, ReceiveNanos);
        return Encoding.UTF8.GetString(_session.Output.WrittenSpan);
    }

    public void Dispose() => _session.Dispose();
}
