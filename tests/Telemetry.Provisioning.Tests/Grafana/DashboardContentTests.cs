using System.Text.Json;
using System.Text.RegularExpressions;

namespace Telemetry.Provisioning.Tests.Grafana;

/// <summary>What the dashboards promise beyond the schema: data source, variables, thresholds, schema names.</summary>
public partial class DashboardContentTests
{
    public static IEnumerable<object[]> Dashboards => RepositoryFiles.DashboardNames;

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Every_panel_and_query_uses_the_provisioned_influxdb_data_source(string name)
    {
        using var doc = DashboardModel.Load(name);
        var root = doc.RootElement;
        var count = 0;
        foreach (var (panel, target) in DashboardModel.Targets(root))
        {
            Assert.Equal("telemetry-influxdb", panel.GetProperty("datasource").GetProperty("uid").GetString());
            Assert.Equal("telemetry-influxdb", target.GetProperty("datasource").GetProperty("uid").GetString());
            Assert.True(target.GetProperty("rawQuery").GetBoolean());
            Assert.False(string.IsNullOrWhiteSpace(target.GetProperty("query").GetString()));
            count++;
        }

        Assert.True(count >= 8, $"{name}: only {count} queries");
        foreach (var variable in DashboardModel.Variables(root).Where(v => v.GetProperty("type").GetString() == "query"))
        {
            Assert.Equal("telemetry-influxdb", variable.GetProperty("datasource").GetProperty("uid").GetString());
        }
    }

    /// <summary>
    /// Grafana's InfluxQL alias patterns: <c>$name</c> takes word characters only, so <c>$tag_cpu.mode</c> reads
    /// the tag <c>cpu</c> (legend "undefined.mode"); a dotted tag needs <c>[[tag_cpu.mode]]</c>. Every
    /// <c>tag_</c> pattern must name a tag the query groups by.
    /// </summary>
    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Legend_aliases_name_tags_the_query_groups_by(string name)
    {
        using var doc = DashboardModel.Load(name);
        foreach (var (panel, target) in DashboardModel.Targets(doc.RootElement))
        {
            if (!target.TryGetProperty("alias", out var alias))
            {
                continue;
            }

            var query = new ProvisionedQuery(name, panel.GetProperty("title").GetString()!, target.GetProperty("refId").GetString()!, target.GetProperty("query").GetString()!, null, null, null);
            foreach (Match m in GrafanaAliasPattern().Matches(alias.GetString()!))
            {
                var group = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
                if (group.StartsWith("tag_", StringComparison.Ordinal))
                {
                    Assert.True(query.OuterGroupByTags().Contains(group["tag_".Length..]), $"{query}: alias '{alias.GetString()}' reads tag '{group["tag_".Length..]}', the query groups by {string.Join(", ", query.OuterGroupByTags())}");
                }
            }
        }
    }

    /// <summary>The pattern of Grafana's InfluxSeries._getSeriesName.</summary>
    [GeneratedRegex(@"\$(\w+)|\[\[([\s\S]+?)\]\]")]
    private static partial Regex GrafanaAliasPattern();

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Panel_ids_are_unique_and_panels_fit_the_24_column_grid(string name)
    {
        using var doc = DashboardModel.Load(name);
        var panels = DashboardModel.Panels(doc.RootElement).ToList();
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        Assert.All(panels, p =>
        {
            var grid = p.GetProperty("gridPos");
            Assert.InRange(grid.GetProperty("x").GetInt32() + grid.GetProperty("w").GetInt32(), 1, 24);
        });
    }

    [Fact]
    public void Web_traffic_has_host_vhost_and_service_variables_from_tag_values_with_an_all_value_matching_absent_tags()
    {
        using var doc = DashboardModel.Load("web-traffic.json");
        var variables = DashboardModel.Variables(doc.RootElement).ToDictionary(v => v.GetProperty("name").GetString()!);
        foreach (var name in new[] { "host", "vhost", "service" })
        {
            var v = variables[name];
            Assert.Equal("query", v.GetProperty("type").GetString());
            Assert.StartsWith($"SHOW TAG VALUES FROM \"http_requests\" WITH KEY = \"{name}\"", v.GetProperty("query").GetString(), StringComparison.Ordinal);
            Assert.True(v.GetProperty("includeAll").GetBoolean());
            Assert.Equal(".*", v.GetProperty("allValue").GetString());
        }

        foreach (var (_, target) in DashboardModel.Targets(doc.RootElement))
        {
            var query = target.GetProperty("query").GetString()!;
            Assert.Contains("\"host\" =~ /^$host$/", query, StringComparison.Ordinal);
            Assert.Contains("$timeFilter", query, StringComparison.Ordinal);
            if (query.Contains("FROM \"http.server.", StringComparison.Ordinal) || query.Contains("FROM \"rollup_90d\".\"http.server.", StringComparison.Ordinal))
            {
                // The agent's request metrics and their rollups: the virtual host is "server.address", the service is the agent.
                Assert.Contains("\"server.address\" =~ /^$vhost$/", query, StringComparison.Ordinal);
                continue;
            }

            Assert.Contains("\"vhost\" =~ /^$vhost$/", query, StringComparison.Ordinal);
            Assert.Contains("\"service\" =~ /^$service$/", query, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("3xx")]
    [InlineData("4xx")]
    [InlineData("5xx")]
    public void Status_class_stat_panels_count_the_range_with_traffic_light_thresholds(string statusClass)
    {
        using var doc = DashboardModel.Load("web-traffic.json");
        var panel = DashboardModel.Panels(doc.RootElement).Single(p => p.GetProperty("title").GetString() == statusClass + " responses");
        Assert.Equal("stat", panel.GetProperty("type").GetString());
        var query = panel.GetProperty("targets")[0].GetProperty("query").GetString()!;
        Assert.Contains($"count(\"status_code\")", query, StringComparison.Ordinal);
        Assert.Contains($"\"status_class\" = '{statusClass}'", query, StringComparison.Ordinal);
        Assert.DoesNotContain("GROUP BY", query, StringComparison.Ordinal);
        var steps = panel.GetProperty("fieldConfig").GetProperty("defaults").GetProperty("thresholds").GetProperty("steps");
        Assert.Equal(3, steps.GetArrayLength());
        Assert.Equal(("green", JsonValueKind.Null), (steps[0].GetProperty("color").GetString(), steps[0].GetProperty("value").ValueKind));
        Assert.Equal(("orange", 50), (steps[1].GetProperty("color").GetString(), steps[1].GetProperty("value").GetInt32()));
        Assert.Equal(("red", 100), (steps[2].GetProperty("color").GetString(), steps[2].GetProperty("value").GetInt32()));
        Assert.Equal("0", panel.GetProperty("fieldConfig").GetProperty("defaults").GetProperty("noValue").GetString());
    }

    [Fact]
    public void Web_traffic_has_the_seed_panels()
    {
        using var doc = DashboardModel.Load("web-traffic.json");
        var panels = DashboardModel.Panels(doc.RootElement).ToDictionary(p => p.GetProperty("title").GetString()!, p => p.GetProperty("type").GetString());
        Assert.Equal("timeseries", panels["Requests per status code"]);
        Assert.Equal("heatmap", panels["GET requests by route over time"]);
        Assert.Equal("timeseries", panels["Requests per server by status class"]);
        Assert.Equal("timeseries", panels["Request rate"]);
        Assert.Equal("timeseries", panels["Error ratio (5xx)"]);
        Assert.Equal("timeseries", panels["Bytes served"]);
        Assert.Equal("timeseries", panels["Latency percentiles"]);
        Assert.Equal("table", panels["Top routes"]);
        Assert.Equal("table", panels["Top clients (last 10,000 requests)"]);
        Assert.Equal("piechart", panels["User-agent classes"]);
        Assert.Contains(panels.Keys, t => t.EndsWith("(rollup)", StringComparison.Ordinal));
        Assert.Equal("timeseries", panels["Requests per status class (agent metrics)"]);
    }

    /// <summary>
    /// Every quoted identifier in a query over http_requests or its rollups is a tag or field of
    /// docs/influxdb-schema.md, a rollup field of telemetry.iql, a measurement/retention policy name, or
    /// an alias the same query defines: a typo such as "status_clas" fails here, not on a dashboard.
    /// </summary>
    [Fact]
    public void Web_traffic_queries_use_only_names_from_the_influxdb_schema_contract()
    {
        var allowed = HttpRequestsNamesFromSchemaDoc();
        Assert.Contains("status_class", allowed);
        Assert.Contains("duration", allowed);
        foreach (Match m in AsAlias().Matches(File.ReadAllText(RepositoryFiles.Influx("telemetry.iql"))))
        {
            allowed.Add(m.Groups[1].Value);
        }

        allowed.UnionWith(["http_requests", "rollup_90d"]);

        // The agent's request aggregates: instrument and attribute names of docs/configuration.md, stored as
        // docs/influxdb-schema.md says for metrics (measurement = metric name; value, or count/sum for a histogram).
        var configuration = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "docs", "configuration.md"));
        var schema = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "docs", "influxdb-schema.md"));
        foreach (var name in new[] { "http.server.request.count", "http.server.response.body.size", "http.server.request.duration", "http.request.method", "http.response.status_class", "server.address" })
        {
            Assert.Contains($"`{name}`", configuration, StringComparison.Ordinal);
            allowed.Add(name);
        }

        foreach (var field in new[] { "value", "count", "sum" })
        {
            Assert.Contains($"`{field}`", schema, StringComparison.Ordinal);
            allowed.Add(field);
        }

        using var doc = DashboardModel.Load("web-traffic.json");
        foreach (var (panel, target) in DashboardModel.Targets(doc.RootElement))
        {
            var query = target.GetProperty("query").GetString()!;
            var aliases = AsAlias().Matches(query).Select(m => m.Groups[1].Value).ToHashSet();
            foreach (Match m in QuotedIdentifier().Matches(query))
            {
                var name = m.Groups[1].Value;
                Assert.True(allowed.Contains(name) || aliases.Contains(name),
                    $"panel '{panel.GetProperty("title").GetString()}': \"{name}\" is not in docs/influxdb-schema.md");
            }
        }
    }

    private static HashSet<string> HttpRequestsNamesFromSchemaDoc()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "docs", "influxdb-schema.md"));
        var start = text.IndexOf("## `http_requests`", StringComparison.Ordinal);
        var end = text.IndexOf("\n## ", start + 5, StringComparison.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in TableFirstCell().Matches(text[start..end]))
        {
            names.Add(m.Groups[1].Value);
        }

        return names;
    }

    [GeneratedRegex("^\\| `([a-z_]+)` \\|", RegexOptions.Multiline)]
    private static partial Regex TableFirstCell();

    [GeneratedRegex("\"([^\"]+)\"")]
    private static partial Regex QuotedIdentifier();

    [GeneratedRegex("AS \"([^\"]+)\"")]
    private static partial Regex AsAlias();
}
