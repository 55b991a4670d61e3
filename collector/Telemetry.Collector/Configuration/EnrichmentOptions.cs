using Microsoft.Extensions.Configuration;

namespace Telemetry.Collector.Configuration;

/// <summary>The <c>enrichment</c> section: what the collector adds to each point.</summary>
public sealed class EnrichmentOptions
{
    public const string SectionName = "enrichment";

    /// <summary>Tags written on every point, e.g. <c>env: prod</c>, <c>dc: fra1</c>.</summary>
    [ConfigurationKeyName("static_tags")]
    public Dictionary<string, string> StaticTags { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Distinct <c>route</c> tag values this collector writes before new ones become <c>{other}</c>.</summary>
    [ConfigurationKeyName("max_routes")]
    public int MaxRoutes { get; set; } = 1000;

    /// <summary>Route patterns tried in order before automatic templating: <c>*</c> is one segment, a final
    /// <c>**</c> is the rest; the pattern is the route (e.g. <c>/static/**</c>, <c>/api/*/items</c>).</summary>
    [ConfigurationKeyName("route_rules")]
    public List<string> RouteRules { get; set; } = [];
}
