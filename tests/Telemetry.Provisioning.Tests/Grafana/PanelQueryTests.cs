using System.Text.Json;

namespace Telemetry.Provisioning.Tests.Grafana;

/// <summary>
/// Every panel, variable and alert query of the provisioning files, expanded as Grafana would for the
/// last 15 minutes, runs against a real influxd holding points of the documented schema and returns data
/// of the expected shape. PipelinePanelQueryTests runs the same queries on data that came through the real pipeline.
/// </summary>
public class PanelQueryTests : IClassFixture<SyntheticTelemetryFixture>
{
    private readonly SyntheticTelemetryFixture _data;

    public PanelQueryTests(SyntheticTelemetryFixture data) => _data = data;

    public static IEnumerable<object[]> Queries => ProvisionedQuery.All().Select(q => new object[] { q.Source, q.Title, q.RefId });

    private GrafanaMacroExpander Expander(TimeSpan? range = null, params (string Name, string[] Values)[] selected)
    {
        var to = _data.Now.AddSeconds(5);
        var expander = new GrafanaMacroExpander { From = to - (range ?? TimeSpan.FromMinutes(15)), To = to };
        foreach (var name in new[] { "host", "service", "vhost" })
        {
            expander.RegexVariables.Add(name);
            expander.AllValues[name] = ".*";
            expander.Variables[name] = ["$__all"];
        }

        expander.Variables["rp"] = ["raw"];
        foreach (var (name, values) in selected)
        {
            expander.Variables[name] = values;
        }

        return expander;
    }

    private async Task<JsonElement> RunAsync(ProvisionedQuery query, GrafanaMacroExpander expander) =>
        await _data.Influx.QueryAsync(expander.Expand(query.Query, query.PanelInterval), "telemetry");

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Provisioned_query_returns_data_for_the_last_15_minutes(string source, string title, string refId)
    {
        var query = ProvisionedQuery.All().Single(q => q.Source == source && q.Title == title && q.RefId == refId);
        var result = await RunAsync(query, Expander(query.RelativeRange));
        Assert.True(result.TryGetProperty("series", out var series), $"{query}: no series for\n{Expander(query.RelativeRange).Expand(query.Query, query.PanelInterval)}");
        var values = series.EnumerateArray().SelectMany(s => s.GetProperty("values").EnumerateArray()).ToList();
        Assert.NotEmpty(values);
        if (query.RefId == "var")
        {
            Assert.All(values, v => Assert.False(string.IsNullOrEmpty(v[1].GetString())));
        }
        else
        {
            Assert.Contains(values, row => row.EnumerateArray().Skip(1).Any(v => v.ValueKind is JsonValueKind.Number or JsonValueKind.String));
        }
    }

    [Theory]
    [InlineData("3xx")]
    [InlineData("4xx")]
    [InlineData("5xx")]
    public async Task Status_class_stat_panels_count_what_was_written_for_all_one_and_several_hosts(string statusClass)
    {
        var stat = ProvisionedQuery.FromDashboard("web-traffic.json").Single(q => q.Title == statusClass + " responses");
        Assert.Equal(SyntheticTelemetryFixture.Count(null, statusClass), ProvisionedQuery.SumValues(await RunAsync(stat, Expander())));
        Assert.Equal(SyntheticTelemetryFixture.Count("web-1", statusClass), ProvisionedQuery.SumValues(await RunAsync(stat, Expander(null, ("host", ["web-1"])))));
        Assert.Equal(SyntheticTelemetryFixture.Count(null, statusClass), ProvisionedQuery.SumValues(await RunAsync(stat, Expander(null, ("host", ["web-1", "web-2"])))));
        Assert.Equal(SyntheticTelemetryFixture.Count("web-2", statusClass), ProvisionedQuery.SumValues(await RunAsync(stat, Expander(null, ("vhost", ["api.example.test"])))));
    }

    [Fact]
    public async Task Per_status_code_agent_metric_and_rollup_panels_add_up_to_every_request()
    {
        var total = SyntheticTelemetryFixture.Requests.Values.Sum();
        var queries = ProvisionedQuery.FromDashboard("web-traffic.json").ToList();
        Assert.Equal(total, ProvisionedQuery.SumValues(await RunAsync(queries.Single(q => q.Title == "Requests per status code"), Expander())));
        Assert.Equal(total, ProvisionedQuery.SumValues(await RunAsync(queries.Single(q => q.Title == "Requests per server by status class"), Expander())));
        Assert.Equal(total, ProvisionedQuery.SumValues(await RunAsync(queries.Single(q => q.Title == "Requests"), Expander())));
        // The fixture writes 10 requests per host every 30 s; 30 of those points fall in the 15 minutes.
        var aggregates = queries.Single(q => q.Title == "Requests per status class (agent metrics)");
        Assert.Equal(2 * 30 * 10, ProvisionedQuery.SumValues(await RunAsync(aggregates, Expander())));
        Assert.Equal(30 * 10, ProvisionedQuery.SumValues(await RunAsync(aggregates, Expander(null, ("vhost", ["api.example.test"])))));

        // The long-range panel reads the one-minute rollups of those aggregates: over a range holding all of them
        // (rollup points sit at the start of their minute), every request the agents counted, per vhost too.
        var rollup = queries.Single(q => q.Title == "Requests per status class (rollup)");
        var all = Expander(TimeSpan.FromMinutes(30));
        Assert.Equal(SyntheticTelemetryFixture.AggregatedRequests, ProvisionedQuery.SumValues(await RunAsync(aggregates, all)));
        Assert.Equal(SyntheticTelemetryFixture.AggregatedRequests, ProvisionedQuery.SumValues(await RunAsync(rollup, all)));
        Assert.Equal(SyntheticTelemetryFixture.AggregatedRequests / 2, ProvisionedQuery.SumValues(await RunAsync(rollup, Expander(TimeSpan.FromMinutes(30), ("vhost", ["api.example.test"])))));
    }

    [Fact]
    public async Task Silent_host_panel_and_alert_name_only_the_host_that_stopped_reporting()
    {
        var panel = ProvisionedQuery.FromDashboard("pipeline-health.json").Single(q => q.Title == "Hosts silent for 5 minutes");
        Assert.Equal(["web-3"], SilentHosts(await RunAsync(panel, Expander())));
        var rule = ProvisionedQuery.FromAlertRules().Single(q => q.Title == "telemetry-host-silent");
        Assert.Equal(["web-3"], SilentHosts(await RunAsync(rule, Expander(rule.RelativeRange))));
    }

    /// <summary>Hosts whose series ends with 0 (what the panel's reduce + filter and the rule's reduce last &lt; 0.001 select).</summary>
    private static List<string> SilentHosts(JsonElement result) => result.GetProperty("series").EnumerateArray()
        .Where(s => s.GetProperty("values").EnumerateArray().Last(v => v[1].ValueKind == JsonValueKind.Number)[1].GetDouble() < 0.001)
        .Select(s => s.GetProperty("tags").GetProperty("host").GetString()!)
        .Order(StringComparer.Ordinal)
        .ToList();

    [Fact]
    public async Task Error_ratio_alert_queries_give_each_hosts_5xx_share()
    {
        var rule = ProvisionedQuery.FromAlertRules().Where(q => q.Title == "telemetry-5xx-ratio").ToDictionary(q => q.RefId);
        static Dictionary<string, double> PerHost(JsonElement result) => result.GetProperty("series").EnumerateArray()
            .ToDictionary(s => s.GetProperty("tags").GetProperty("host").GetString()!, s => s.GetProperty("values")[0][1].GetDouble());
        var errors = PerHost(await RunAsync(rule["A"], Expander(rule["A"].RelativeRange)));
        var all = PerHost(await RunAsync(rule["B"], Expander(rule["B"].RelativeRange)));
        Assert.Equal(110.0 / 330, errors["web-1"] / all["web-1"], 6);
        Assert.Equal(5.0 / 65, errors["web-2"] / all["web-2"], 6);
    }

    [Fact]
    public void Macro_expansion_matches_grafana_for_a_15_minute_range()
    {
        var to = DateTimeOffset.FromUnixTimeMilliseconds(1_763_900_000_000);
        var expander = new GrafanaMacroExpander { From = to.AddMinutes(-15), To = to };
        expander.RegexVariables.Add("host");
        expander.Variables["host"] = ["web-1", "a.b"];
        Assert.Equal(TimeSpan.FromSeconds(10), expander.IntervalFor(null));
        Assert.Equal(TimeSpan.FromMinutes(1), expander.IntervalFor("1m"));
        Assert.Equal(
            "SELECT count(x) FROM m WHERE \"host\" =~ /^(web-1|a\\.b)$/ AND time >= 1763899100000ms and time <= 1763900000000ms GROUP BY time(10s) / 10000",
            expander.Expand("SELECT count(x) FROM m WHERE \"host\" =~ /^$host$/ AND $timeFilter GROUP BY time($__interval) / $__interval_ms"));
        var day = new GrafanaMacroExpander { From = to.AddDays(-1), To = to };
        Assert.Equal(TimeSpan.FromMinutes(1), day.IntervalFor(null));
        Assert.Throws<InvalidOperationException>(() => expander.Expand("SELECT 1 FROM m WHERE \"x\" = '$unknown'"));
    }
}
