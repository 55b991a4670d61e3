using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Telemetry.Provisioning.Tests.Grafana;

/// <summary>One query Grafana would send: from a panel target, a template variable or an alert rule.</summary>
public sealed record ProvisionedQuery(string Source, string Title, string RefId, string Query, string? PanelInterval, string? ResultFormat, TimeSpan? RelativeRange)
{
    public override string ToString() => $"{Source} / {Title} / {RefId}";

    public static IEnumerable<ProvisionedQuery> FromDashboard(string name)
    {
        using var doc = DashboardModel.Load(name);
        foreach (var (panel, target) in DashboardModel.Targets(doc.RootElement))
        {
            yield return new ProvisionedQuery(
                name,
                panel.GetProperty("title").GetString()!,
                target.GetProperty("refId").GetString()!,
                target.GetProperty("query").GetString()!,
                panel.TryGetProperty("interval", out var interval) ? interval.GetString() : null,
                target.TryGetProperty("resultFormat", out var format) ? format.GetString() : null,
                null);
        }

        foreach (var variable in DashboardModel.Variables(doc.RootElement))
        {
            if (variable.GetProperty("type").GetString() == "query")
            {
                yield return new ProvisionedQuery(name, "$" + variable.GetProperty("name").GetString(), "var", variable.GetProperty("query").GetString()!, null, null, null);
            }
        }
    }

    public static IEnumerable<ProvisionedQuery> FromAlertRules()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(RepositoryFiles.Grafana("provisioning", "alerting", "rules.yaml")))
        {
            stream.Load(reader);
        }

        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        foreach (YamlMappingNode group in (YamlSequenceNode)root["groups"])
        {
            foreach (YamlMappingNode rule in (YamlSequenceNode)group["rules"])
            {
                foreach (YamlMappingNode item in (YamlSequenceNode)rule["data"])
                {
                    if (((YamlScalarNode)item["datasourceUid"]).Value == "__expr__")
                    {
                        continue;
                    }

                    var model = (YamlMappingNode)item["model"];
                    var range = (YamlMappingNode)item["relativeTimeRange"];
                    yield return new ProvisionedQuery(
                        "rules.yaml",
                        ((YamlScalarNode)rule["uid"]).Value!,
                        ((YamlScalarNode)item["refId"]).Value!,
                        ((YamlScalarNode)model["query"]).Value!,
                        null,
                        "time_series",
                        TimeSpan.FromSeconds(int.Parse(((YamlScalarNode)range["from"]).Value!, System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
        }
    }

    public static IEnumerable<ProvisionedQuery> All() =>
        RepositoryFiles.Dashboards.SelectMany(d => FromDashboard(Path.GetFileName(d))).Concat(FromAlertRules());

    /// <summary>
    /// The tag keys of the outermost <c>GROUP BY</c> (subqueries in <c>FROM (...)</c> left out; <c>time(...)</c>
    /// and <c>*</c> skipped): the tags every series of the result carries.
    /// </summary>
    public IReadOnlyList<string> OuterGroupByTags()
    {
        var text = new System.Text.StringBuilder();
        var depth = 0;
        foreach (var c in Query)
        {
            if (c == '(')
            {
                depth++;
            }

            if (depth == 0)
            {
                text.Append(c);
            }

            if (c == ')')
            {
                depth--;
            }
        }

        var outer = text.ToString();
        var at = outer.IndexOf("GROUP BY", StringComparison.Ordinal);
        if (at < 0)
        {
            return [];
        }

        var tags = new List<string>();
        foreach (var part in outer[(at + "GROUP BY".Length)..].Split(','))
        {
            var item = part.Trim();
            if (item.StartsWith('"'))
            {
                tags.Add(item[1..item.IndexOf('"', 1)]);
            }
        }

        return tags;
    }

    /// <summary>Sum of every non-null number in the result's first value column(s).</summary>
    public static double SumValues(JsonElement result)
    {
        double sum = 0;
        if (!result.TryGetProperty("series", out var series))
        {
            return 0;
        }

        foreach (var s in series.EnumerateArray())
        {
            foreach (var row in s.GetProperty("values").EnumerateArray())
            {
                var i = 0;
                foreach (var v in row.EnumerateArray())
                {
                    if (i++ > 0 && v.ValueKind == JsonValueKind.Number)
                    {
                        sum += v.GetDouble();
                    }
                }
            }
        }

        return sum;
    }
}
