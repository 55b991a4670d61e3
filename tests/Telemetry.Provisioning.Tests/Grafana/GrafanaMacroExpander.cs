using System.Globalization;
using System.Text;

namespace Telemetry.Provisioning.Tests.Grafana;

/// <summary>
/// Expands a raw InfluxQL query the way Grafana's InfluxDB data source does before sending it:
/// <c>$timeFilter</c>/<c>$__timeFilter</c> to <c>time &gt;= {from}ms and time &lt;= {to}ms</c>,
/// <c>$__interval</c>/<c>$__interval_ms</c> from the range, max data points and the minimum interval
/// (data source <c>timeInterval</c> or the panel's <c>interval</c>), <c>$__from</c>/<c>$__to</c> to epoch
/// milliseconds, and template variables: a multi-value or include-all variable becomes a regex
/// (<c>(a|b)</c>, <c>.*</c> for All), special regex characters escaped, as Grafana's
/// <c>interpolateQueryExpr</c> does.
/// </summary>
public sealed class GrafanaMacroExpander
{
    private static readonly (TimeSpan Limit, TimeSpan Interval)[] Rounding =
    [
        (TimeSpan.FromMilliseconds(15), TimeSpan.FromMilliseconds(10)),
        (TimeSpan.FromMilliseconds(35), TimeSpan.FromMilliseconds(20)),
        (TimeSpan.FromMilliseconds(75), TimeSpan.FromMilliseconds(50)),
        (TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(100)),
        (TimeSpan.FromMilliseconds(350), TimeSpan.FromMilliseconds(200)),
        (TimeSpan.FromMilliseconds(750), TimeSpan.FromMilliseconds(500)),
        (TimeSpan.FromMilliseconds(1500), TimeSpan.FromSeconds(1)),
        (TimeSpan.FromMilliseconds(3500), TimeSpan.FromSeconds(2)),
        (TimeSpan.FromMilliseconds(7500), TimeSpan.FromSeconds(5)),
        (TimeSpan.FromMilliseconds(12500), TimeSpan.FromSeconds(10)),
        (TimeSpan.FromMilliseconds(17500), TimeSpan.FromSeconds(15)),
        (TimeSpan.FromMilliseconds(25000), TimeSpan.FromSeconds(20)),
        (TimeSpan.FromMilliseconds(45000), TimeSpan.FromSeconds(30)),
        (TimeSpan.FromMilliseconds(90000), TimeSpan.FromMinutes(1)),
        (TimeSpan.FromMinutes(3.5), TimeSpan.FromMinutes(2)),
        (TimeSpan.FromMinutes(7.5), TimeSpan.FromMinutes(5)),
        (TimeSpan.FromMinutes(12.5), TimeSpan.FromMinutes(10)),
        (TimeSpan.FromMinutes(17.5), TimeSpan.FromMinutes(15)),
        (TimeSpan.FromMinutes(25), TimeSpan.FromMinutes(20)),
        (TimeSpan.FromMinutes(45), TimeSpan.FromMinutes(30)),
        (TimeSpan.FromMinutes(90), TimeSpan.FromHours(1)),
    ];

    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset To { get; init; }

    /// <summary>Max data points: Grafana uses the panel's pixel width; ~1,000 for a full-width panel.</summary>
    public int MaxDataPoints { get; init; } = 1000;

    /// <summary>Data source <c>jsonData.timeInterval</c> (10s in telemetry.yaml).</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Selected values per variable name; one value, several, or <c>$__all</c>.</summary>
    public Dictionary<string, string[]> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>Variables defined multi or include-all (they interpolate as regexes).</summary>
    public HashSet<string> RegexVariables { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> AllValues { get; } = new(StringComparer.Ordinal);

    public TimeSpan IntervalFor(string? panelInterval)
    {
        var raw = TimeSpan.FromTicks((To - From).Ticks / MaxDataPoints);
        var rounded = Rounding.FirstOrDefault(r => raw < r.Limit).Interval;
        if (rounded == TimeSpan.Zero)
        {
            rounded = TimeSpan.FromHours(Math.Ceiling(raw.TotalHours));
        }

        var min = panelInterval is null ? MinInterval : ParseInterval(panelInterval);
        return rounded < min ? min : rounded;
    }

    public string Expand(string query, string? panelInterval = null)
    {
        var interval = IntervalFor(panelInterval);
        var fromMs = From.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var toMs = To.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var timeFilter = $"time >= {fromMs}ms and time <= {toMs}ms";
        var text = query
            .Replace("$__timeFilter", timeFilter, StringComparison.Ordinal)
            .Replace("$timeFilter", timeFilter, StringComparison.Ordinal)
            .Replace("$__interval_ms", ((long)interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$__interval", FormatInterval(interval), StringComparison.Ordinal)
            .Replace("$__from", fromMs, StringComparison.Ordinal)
            .Replace("$__to", toMs, StringComparison.Ordinal);

        // Longest names first so $host does not eat $hostname.
        foreach (var name in Variables.Keys.OrderByDescending(k => k.Length))
        {
            text = text.Replace("${" + name + "}", Value(name), StringComparison.Ordinal)
                       .Replace("$" + name, Value(name), StringComparison.Ordinal);
        }

        if (System.Text.RegularExpressions.Regex.IsMatch(text, @"\$[A-Za-z_{]"))
        {
            throw new InvalidOperationException("unexpanded variable left in: " + text);
        }

        return text;
    }

    private string Value(string name)
    {
        var values = Variables[name];
        if (!RegexVariables.Contains(name))
        {
            return values.Single();
        }

        if (values is ["$__all"])
        {
            return AllValues.TryGetValue(name, out var all) ? all : throw new InvalidOperationException($"${name}: All without allValue is not used by these dashboards");
        }

        var escaped = values.Select(EscapeRegex).ToArray();
        return escaped.Length == 1 ? escaped[0] : "(" + string.Join('|', escaped) + ")";
    }

    /// <summary>Grafana's influxSpecialRegexEscape: backslash before regex metacharacters.</summary>
    private static string EscapeRegex(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if ("\\^$*+?.()|{}[]/".Contains(c, StringComparison.Ordinal))
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    public static string FormatInterval(TimeSpan interval) =>
        interval.TotalHours >= 1 && interval.TotalHours % 1 == 0 ? $"{interval.TotalHours}h"
        : interval.TotalMinutes >= 1 && interval.TotalMinutes % 1 == 0 ? $"{interval.TotalMinutes}m"
        : interval.TotalSeconds >= 1 && interval.TotalSeconds % 1 == 0 ? $"{interval.TotalSeconds}s"
        : $"{interval.TotalMilliseconds}ms";

    public static TimeSpan ParseInterval(string text) => text[^1] switch
    {
        's' when text.EndsWith("ms", StringComparison.Ordinal) => TimeSpan.FromMilliseconds(double.Parse(text[..^2], CultureInfo.InvariantCulture)),
        's' => TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
        'm' => TimeSpan.FromMinutes(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
        'h' => TimeSpan.FromHours(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
        'd' => TimeSpan.FromDays(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
        _ => throw new FormatException("interval: " + text),
    };
}
