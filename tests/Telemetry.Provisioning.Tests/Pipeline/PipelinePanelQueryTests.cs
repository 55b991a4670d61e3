using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;
using Telemetry.LoadGenerator.Formats;
using Telemetry.LoadGenerator.Output;
using Telemetry.LoadGenerator.Pacing;
using Telemetry.LoadGenerator.Reporting;
using Telemetry.LoadGenerator.Traffic;
using Telemetry.Provisioning.Tests.Grafana;
using Telemetry.Provisioning.Tests.InfluxDb;
using Telemetry.TestKit;

namespace Telemetry.Provisioning.Tests.Pipeline;

/// <summary>
/// The real pipeline: telemetry-loadgen (file mode, nginx "timed" format, 8 minutes of traffic) ->
/// telemetry-agent (tailing, host metrics, self-metrics every second) -> telemetry-collector -> influxd
/// provisioned by apply.sh (CQs on a 1 s schedule). Then every panel, variable and alert query of the
/// provisioning files, expanded as Grafana would for the last 15 minutes, runs against that influxd.
/// </summary>
public class PipelinePanelQueryTests
{
    private readonly ITestOutputHelper _output;

    public PipelinePanelQueryTests(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// Queries whose measurement only gets points when something goes wrong (a counter nobody incremented
    /// is not exported at all): they must run without error, and may be empty.
    /// </summary>
    private static readonly string[] EmptyWhenHealthy =
    [
        "telemetry.agent.lines.malformed", "telemetry.agent.export.retries", "telemetry.collector.points.failed",
        "telemetry.collector.points.rejected", "telemetry.collector.write.retries", "telemetry.collector.records.rejected",
    ];

    [Fact]
    public async Task Every_provisioned_query_returns_data_from_the_real_pipeline_and_stat_panels_match_the_load_generator()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var dir = new TempDirectory("pipeline-panels");
        await using var influx = await PrivateInfluxd.StartAsync();
        var iql = dir.Combine("fast.iql");
        await File.WriteAllTextAsync(iql, (await File.ReadAllTextAsync(RepositoryFiles.Influx("telemetry.iql"))).Replace("RESAMPLE EVERY 1m", "RESAMPLE EVERY 1s", StringComparison.Ordinal));
        await using var apply = PipelineShell.Run("bash", RepositoryFiles.Influx("apply.sh"), "--url", influx.Url.ToString().TrimEnd('/'), "--iql", iql);

        // 8 minutes of traffic ending now, written before the agent starts (start_at: beginning): as after an
        // outage, most lines reach InfluxDB after the CQs' window (RESAMPLE FOR 2m) has passed. The agent's request
        // metrics, which the request rollups come from, carry the time the agent read the lines (now); the test
        // still runs apply.sh --backfill over the traffic's minutes, as docs/operations.md tells the operator.
        var trafficStart = DateTimeOffset.UtcNow.AddMinutes(-8);
        var log = dir.Combine("access.log");
        var summary = await new FileLoadRunner(
            new FileRunOptions
            {
                Path = log,
                Formatter = new NginxLineFormatter(NginxLineFormatter.Timed),
                Traffic = new TrafficOptions { Seed = 77, RunId = "panels", Rate3xx = 0.1, Rate4xx = 0.1, Rate5xx = 0.05 },
                Schedule = new RateSchedule { Rate = 5 },
                Count = 2_400,
                Pace = "none",
                Start = trafficStart,
            },
            TimeProvider.System).RunAsync(CancellationToken.None);

        Assert.True(await apply.WaitAsync() == 0, apply.Output);
        var grpc = FreePort.Get();
        var http = FreePort.Get();
        await File.WriteAllTextAsync(dir.Combine("collector.yaml"), $"""
            receiver:
              grpc_endpoint: "127.0.0.1:{grpc}"
              http_endpoint: "127.0.0.1:{http}"
            influxdb:
              url: "{influx.Url.ToString().TrimEnd('/')}"
              database: telemetry
            self_metrics:
              interval: 00:00:01
            """);
        await File.WriteAllTextAsync(dir.Combine("agent.yaml"), $"""
            state_dir: "{dir.Combine("state")}"
            collector:
              endpoint: "http://127.0.0.1:{grpc}"
              insecure: true
              metrics_interval: 00:00:01
            sources:
              - name: nginx
                format: nginx
                log_format: '{summary.LogFormat}'
                paths: ["{log}"]
                start_at: beginning
            host_metrics:
              enabled: true
              interval: 00:00:01
            """);

        _output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: influxd provisioned, {summary.Total} lines written, starting collector and agent");
        await using var collector = PipelineProcess.Start("collector/Telemetry.Collector", "telemetry-collector", "--config", dir.Combine("collector.yaml"));
        await using var agent = PipelineProcess.Start("agent/Telemetry.Agent", "telemetry-agent", "run", "--config", dir.Combine("agent.yaml"));
        string Diagnostics() => $"\n--- collector\n{collector.Output}\n--- agent\n{agent.Output}";

        await WaitForAsync(influx, clock, "SELECT count(\"status_code\") FROM \"http_requests\"", v => v == summary.Total, "every generated line as a point" , Diagnostics);
        await WaitForAsync(influx, clock, "SELECT count(\"value\") FROM \"system.cpu.utilization\"", v => v >= 3, "host metrics", Diagnostics);
        await WaitForAsync(influx, clock, "SELECT count(\"value\") FROM \"telemetry.agent.lines.read\"", v => v >= 1, "agent self-metrics", Diagnostics);
        await WaitForAsync(influx, clock, "SELECT count(\"value\") FROM \"telemetry.collector.points.written\"", v => v >= 1, "collector self-metrics", Diagnostics);
        await WaitForAsync(influx, clock, "SELECT sum(\"value\") FROM \"http.server.request.count\"", v => v == summary.Total, "the agent's request counter", Diagnostics);
        await using (var backfill = PipelineShell.Run("bash", RepositoryFiles.Influx("apply.sh"), "--url", influx.Url.ToString().TrimEnd('/'), "--backfill",
            Rfc3339(trafficStart.AddMinutes(-1)), Rfc3339(DateTimeOffset.UtcNow)))
        {
            Assert.True(await backfill.WaitAsync() == 0, backfill.Output);
        }

        await WaitForAsync(influx, clock, "SELECT sum(\"value\") FROM \"rollup_90d\".\"http.server.request.count\"", v => v == summary.Total, "the rollup of the agent's request counter", Diagnostics);
        await WaitForAsync(influx, clock, "SELECT count(\"value\") FROM \"rollup_90d\".\"system.cpu.utilization\"", v => v >= 1, "the host-metric rollups", Diagnostics);
        await Task.Delay(TimeSpan.FromSeconds(3)); // a few more metric exports, so rates over 10 s buckets have points

        var now = DateTimeOffset.UtcNow;
        GrafanaMacroExpander Expander(TimeSpan? range, params (string Name, string[] Values)[] selected)
        {
            var e = new GrafanaMacroExpander { From = now - (range ?? TimeSpan.FromMinutes(15)), To = now };
            foreach (var name in new[] { "host", "service", "vhost" })
            {
                e.RegexVariables.Add(name);
                e.AllValues[name] = ".*";
                e.Variables[name] = ["$__all"];
            }

            e.Variables["rp"] = ["raw"];
            foreach (var (name, values) in selected)
            {
                e.Variables[name] = values;
            }

            return e;
        }

        _output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: running the provisioned queries; measurements: "
            + string.Join(", ", (await influx.RowsAsync("SHOW MEASUREMENTS", "telemetry")).Select(r => r.Values["name"].GetString())));
        var problems = new List<string>();
        // $rp on the hosts dashboard: the same queries read the raw points and the CQs' one-minute rollups.
        foreach (var (query, rp) in ProvisionedQuery.All().SelectMany(q => q.Query.Contains("$rp", StringComparison.Ordinal) ? new[] { (q, "raw"), (q, "rollup_90d") } : [(q, "raw")]))
        {
            var text = Expander(query.RelativeRange, ("rp", [rp])).Expand(query.Query, query.PanelInterval);
            JsonElement result;
            try
            {
                result = await influx.QueryAsync(text, "telemetry");
            }
            catch (InvalidOperationException ex)
            {
                Assert.Fail($"{query}: InfluxDB refused it: {ex.Message}");
                throw;
            }

            var seriesList = result.TryGetProperty("series", out var series) ? series.EnumerateArray().ToList() : [];
            var rows = seriesList.SelectMany(s => s.GetProperty("values").EnumerateArray()).ToList();
            var hasData = rows.Any(row => row.EnumerateArray().Skip(1).Any(v => v.ValueKind is JsonValueKind.Number or JsonValueKind.String));
            if (!hasData)
            {
                if (EmptyWhenHealthy.Any(m => query.Query.Contains('"' + m + '"', StringComparison.Ordinal)))
                {
                    _output.WriteLine($"empty (nothing went wrong): {query} ({rp})");
                }
                else
                {
                    problems.Add($"{query} ({rp}): no data for {text}");
                }

                continue;
            }

            if (query.RefId == "var" && rows.Any(row => string.IsNullOrEmpty(row[1].GetString())))
            {
                problems.Add($"{query} ({rp}): an empty variable value");
            }

            // Every tag the panel groups by (its legend) is set on the points that came through the pipeline.
            foreach (var tag in query.OuterGroupByTags())
            {
                if (!seriesList.Any(s => s.TryGetProperty("tags", out var tags) && tags.TryGetProperty(tag, out var value) && !string.IsNullOrEmpty(value.GetString())))
                {
                    problems.Add($"{query} ({rp}): no series has the tag \"{tag}\" it groups by");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems) + Diagnostics());

        // Stat panels: the same 3xx/4xx/5xx counts the load generator reported, for All and for the one host.
        var hostVar = ProvisionedQuery.FromDashboard("web-traffic.json").Single(q => q.Title == "$host");
        var hosts = (await influx.RowsAsync(hostVar.Query, "telemetry")).Select(r => r.Values["value"].GetString()!).ToList();
        var host = Assert.Single(hosts);
        foreach (var statusClass in new[] { "3xx", "4xx", "5xx" })
        {
            var stat = ProvisionedQuery.FromDashboard("web-traffic.json").Single(q => q.Title == statusClass + " responses");
            Assert.True(summary.StatusClasses[statusClass] > 50, $"{statusClass}: too few generated to compare");
            Assert.Equal(summary.StatusClasses[statusClass], ProvisionedQuery.SumValues(await influx.QueryAsync(Expander(null).Expand(stat.Query), "telemetry")));
            Assert.Equal(summary.StatusClasses[statusClass], ProvisionedQuery.SumValues(await influx.QueryAsync(Expander(null, ("host", [host])).Expand(stat.Query), "telemetry")));
        }

        // The agent's own request aggregates count the same lines per status class.
        var aggregates = ProvisionedQuery.FromDashboard("web-traffic.json").Single(q => q.Title == "Requests per status class (agent metrics)");
        var perClass = (await influx.RowsAsync(Expander(null).Expand(aggregates.Query), "telemetry"))
            .GroupBy(r => r.Tags["http.response.status_class"])
            .ToDictionary(g => g.Key, g => (long)g.Sum(r => r.Values["sum"].GetDouble()));
        Assert.Equal(summary.StatusClasses.Where(p => p.Value > 0).OrderBy(p => p.Key), perClass.Where(p => p.Value > 0).OrderBy(p => p.Key));

        var perCode = ProvisionedQuery.FromDashboard("web-traffic.json").Single(q => q.Title == "Requests per status code");
        Assert.Equal(summary.Total, ProvisionedQuery.SumValues(await influx.QueryAsync(Expander(null).Expand(perCode.Query), "telemetry")));
        var rollup = ProvisionedQuery.FromDashboard("web-traffic.json").Single(q => q.Title == "Requests per status class (rollup)");
        Assert.Equal(summary.Total, ProvisionedQuery.SumValues(await influx.QueryAsync(Expander(null).Expand(rollup.Query, rollup.PanelInterval), "telemetry")));
        // The one host reporting is the same on every dashboard, and neither the panel nor the rule calls it silent.
        foreach (var dashboard in new[] { "hosts.json", "pipeline-health.json" })
        {
            var variable = ProvisionedQuery.FromDashboard(dashboard).Single(q => q.Title == "$host");
            Assert.Equal([host], (await influx.RowsAsync(variable.Query, "telemetry")).Select(r => r.Values["value"].GetString()!));
        }

        var silentPanel = ProvisionedQuery.FromDashboard("pipeline-health.json").Single(q => q.Title == "Hosts silent for 5 minutes");
        var silentRule = ProvisionedQuery.FromAlertRules().Single(q => q.Title == "telemetry-host-silent");
        foreach (var (query, range) in new[] { (silentPanel, (TimeSpan?)null), (silentRule, silentRule.RelativeRange) })
        {
            var rows = await influx.RowsAsync(Expander(range).Expand(query.Query, query.PanelInterval), "telemetry");
            var last = rows.Where(r => r.Values["points"].ValueKind == JsonValueKind.Number).Last();
            Assert.True(last.Tags["host"] == host && last.Values["points"].GetDouble() > 0, $"{query}: the reporting host looks silent");
        }

        // A healthy pipeline lost nothing on the way.
        foreach (var lost in new[] { "telemetry.collector.points.rejected", "telemetry.collector.points.failed", "telemetry.collector.records.rejected", "telemetry.agent.lines.malformed" })
        {
            var rows = await influx.QueryAsync($"SELECT sum(\"value\") FROM \"{lost}\"", "telemetry");
            Assert.True(ProvisionedQuery.SumValues(rows) == 0, $"{lost}: {rows}{Diagnostics()}");
        }

        Assert.False(agent.HasExited, "agent exited" + Diagnostics());
        Assert.False(collector.HasExited, "collector exited" + Diagnostics());
    }

    /// <summary>Polls until <paramref name="done"/> holds (at most 90 s), logging when it did.</summary>
    private async Task WaitForAsync(PrivateInfluxd influx, System.Diagnostics.Stopwatch clock, string query, Func<double, bool> done, string what, Func<string> diagnostics)
    {
        double last = 0;
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(90);
        while (clock.Elapsed < deadline)
        {
            last = ProvisionedQuery.SumValues(await influx.QueryAsync(query, "telemetry"));
            if (done(last))
            {
                _output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {what}");
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"timed out waiting for {what} ({query} = {last.ToString(CultureInfo.InvariantCulture)}){diagnostics()}");
    }

    private static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
