using Microsoft.Extensions.Options;

namespace Telemetry.Collector.Configuration;

/// <summary>Refuses an <c>enrichment</c> section that cannot work, naming the key and the value.</summary>
public sealed class EnrichmentOptionsValidator : IValidateOptions<EnrichmentOptions>
{
    /// <summary>Tags the mapping writes itself; a static tag of the same name would duplicate them.</summary>
    public static readonly IReadOnlyList<string> ReservedTags =
        ["host", "service", "vhost", "method", "status", "status_class", "ua_class", "route", "severity"];

    public ValidateOptionsResult Validate(string? name, EnrichmentOptions options)
    {
        var failures = new List<string>();
        if (options.MaxRoutes is < 1 or > 1_000_000)
        {
            failures.Add($"enrichment.max_routes: must be between 1 and 1000000, got {options.MaxRoutes}");
        }

        foreach (var (key, value) in options.StaticTags)
        {
            if (string.IsNullOrEmpty(key) || key == "time" || ReservedTags.Contains(key) || HasControl(key))
            {
                failures.Add($"enrichment.static_tags: tag name '{key}' is reserved or invalid (reserved: time, {string.Join(", ", ReservedTags)})");
            }
            else if (string.IsNullOrEmpty(value) || HasControl(value) || value.EndsWith('\\'))
            {
                failures.Add($"enrichment.static_tags.{key}: value '{value}' cannot be stored as an InfluxDB tag (empty, control character or trailing backslash)");
            }
        }

        for (var i = 0; i < options.RouteRules.Count; i++)
        {
            var rule = options.RouteRules[i];
            var doubleStar = rule?.IndexOf("**", StringComparison.Ordinal) ?? -1;
            if (string.IsNullOrEmpty(rule) || rule[0] != '/')
            {
                failures.Add($"enrichment.route_rules[{i}]: '{rule}' must start with '/'");
            }
            else if (doubleStar >= 0 && (doubleStar != rule.Length - 2 || rule[doubleStar - 1] != '/'))
            {
                failures.Add($"enrichment.route_rules[{i}]: '{rule}' may use '**' only as its whole last segment");
            }
            else if (HasControl(rule) || rule.Contains('?') || rule.Contains(' '))
            {
                failures.Add($"enrichment.route_rules[{i}]: '{rule}' must be a path without query, spaces or control characters");
            }
        }

        if (options.RouteRules.Count >= options.MaxRoutes && options.MaxRoutes >= 1)
        {
            failures.Add($"enrichment.route_rules: {options.RouteRules.Count} rules need max_routes above that, got max_routes {options.MaxRoutes}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool HasControl(string s)
    {
        foreach (var c in s)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }
}
