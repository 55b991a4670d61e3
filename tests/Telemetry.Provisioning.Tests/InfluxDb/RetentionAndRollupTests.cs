using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Telemetry.TestKit;

namespace Telemetry.Provisioning.Tests.InfluxDb;

/// <summary>
/// packaging/influxdb/apply.sh against a real influxd: retention policies, continuous queries (the default
/// ones of telemetry.iql and the optional raw-request-rollups.iql), and the rollups the continuous queries write. The rollup test runs the real CQ definitions inside influxd; only
/// their schedule is shortened (RESAMPLE EVERY 1m FOR 2m -> EVERY 1s FOR 3m: the same two complete minutes, same
/// GROUP BY time(1m)) so the
/// test need not wait for a minute boundary. The backfill tests run apply.sh --backfill, which recomputes
/// rollups for a past range with the same SELECT ... INTO as the continuous queries.
/// </summary>
public partial class RetentionAndRollupTests
{
    private static async Task<(int Code, string Out, string Err)> ApplyAsync(PrivateInfluxd? influx, params string[] extra)
    {
        string[] url = influx is null ? [] : ["--url", influx.Url.ToString().TrimEnd('/')];
        var start = new ProcessStartInfo("bash", [RepositoryFiles.Influx("apply.sh"), .. url, .. extra])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    private static HashSet<string> CqNamesInIql(string file = "telemetry.iql") =>
        CqName().Matches(File.ReadAllText(RepositoryFiles.Influx(file))).Select(m => m.Groups[1].Value).ToHashSet();

    private const string RawRollups = "raw-request-rollups.iql";

    private static async Task<Dictionary<string, (string Duration, bool Default)>> PoliciesAsync(PrivateInfluxd influx, string db = "telemetry")
    {
        var rows = await influx.RowsAsync($"SHOW RETENTION POLICIES ON \"{db}\"", db);
        return rows.ToDictionary(r => r.Values["name"].GetString()!, r => (r.Values["duration"].GetString()!, r.Values["default"].GetBoolean()));
    }

    private static async Task<HashSet<string>> CqsAsync(PrivateInfluxd influx, string db = "telemetry")
    {
        var result = await influx.QueryAsync("SHOW CONTINUOUS QUERIES");
        var names = new HashSet<string>();
        foreach (var series in result.GetProperty("series").EnumerateArray())
        {
            if (series.GetProperty("name").GetString() == db && series.TryGetProperty("values", out var values))
            {
                foreach (var v in values.EnumerateArray())
                {
                    names.Add(v[0].GetString()!);
                }
            }
        }

        return names;
    }

    [Fact]
    public async Task Apply_creates_raw_7d_default_rollup_90d_and_every_continuous_query_and_a_second_run_changes_nothing()
    {
        await using var influx = await PrivateInfluxd.StartAsync();
        var first = await ApplyAsync(influx);
        Assert.True(first.Code == 0, first.Err);
        var expectedCqs = CqNamesInIql();
        Assert.Contains("cq_http_server_request_count_1m", expectedCqs);
        Assert.Contains("cq_system_cpu_utilization_1m", expectedCqs);
        Assert.DoesNotContain("cq_http_requests_1m", expectedCqs);

        var policies = await PoliciesAsync(influx);
        Assert.Equal(("168h0m0s", true), policies["raw"]);
        Assert.Equal(("2160h0m0s", false), policies["rollup_90d"]);
        Assert.Equal(expectedCqs, await CqsAsync(influx));

        var second = await ApplyAsync(influx);
        Assert.True(second.Code == 0, second.Err);
        Assert.Equal(policies, await PoliciesAsync(influx));
        Assert.Equal(expectedCqs, await CqsAsync(influx));
    }

    [Fact]
    public async Task Rollups_of_raw_requests_are_created_only_when_asked_for_and_dropped_when_no_longer_asked_for()
    {
        await using var influx = await PrivateInfluxd.StartAsync();
        var optional = CqNamesInIql(RawRollups);
        Assert.Equal(["cq_http_requests_1m", "cq_http_routes_1m"], optional.Order());

        var withRaw = await ApplyAsync(influx, "--raw-request-rollups");
        Assert.True(withRaw.Code == 0, withRaw.Err);
        Assert.Equal(CqNamesInIql().Union(optional).ToHashSet(), await CqsAsync(influx));

        // An installation provisioned with them (as every one was before they became optional) loses them on
        // the next plain run, and is told so.
        var plain = await ApplyAsync(influx);
        Assert.True(plain.Code == 0, plain.Err);
        Assert.Equal(CqNamesInIql(), await CqsAsync(influx));
        Assert.Contains("dropped 2 optional continuous queries", plain.Out, StringComparison.Ordinal);

        var again = await ApplyAsync(influx);
        Assert.DoesNotContain("dropped", again.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_restores_a_retention_policy_someone_changed_and_honours_another_database_name()
    {
        await using var influx = await PrivateInfluxd.StartAsync();
        Assert.Equal(0, (await ApplyAsync(influx, "--database", "web_logs")).Code);
        await influx.QueryAsync("ALTER RETENTION POLICY \"raw\" ON \"web_logs\" DURATION 3d");
        await influx.QueryAsync("ALTER RETENTION POLICY \"rollup_90d\" ON \"web_logs\" DEFAULT");
        var again = await ApplyAsync(influx, "--database", "web_logs");
        Assert.True(again.Code == 0, again.Err);
        var policies = await PoliciesAsync(influx, "web_logs");
        Assert.Equal(("168h0m0s", true), policies["raw"]);
        Assert.False(policies["rollup_90d"].Default);
        Assert.Equal(CqNamesInIql(), await CqsAsync(influx, "web_logs"));
        var databases = await influx.QueryAsync("SHOW DATABASES");
        Assert.DoesNotContain("\"telemetry\"", databases.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_fails_naming_the_statement_InfluxDB_refused()
    {
        await using var influx = await PrivateInfluxd.StartAsync();
        using var dir = new TempDirectory("provisioning-iql");
        var iql = dir.Combine("bad.iql");
        await File.WriteAllTextAsync(iql, "CREATE DATABASE \"telemetry\";\nCREATE RETENTION POLICY \"raw\" ON \"telemetry\" DURATION 7x REPLICATION 1;\n");
        var (code, _, err) = await ApplyAsync(influx, "--iql", iql);
        Assert.NotEqual(0, code);
        Assert.Contains("DURATION 7x", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_fails_when_no_influxdb_answers()
    {
        var (code, _, err) = await ApplyAsync(null, "--url", $"http://127.0.0.1:{FreePort.Get()}");
        Assert.NotEqual(0, code);
        Assert.Contains("no InfluxDB answering", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Continuous_queries_roll_request_metrics_raw_requests_and_host_metrics_up_to_one_minute_points_and_count_late_points()
    {
        await using var influx = await PrivateInfluxd.StartAsync();
        using var dir = new TempDirectory("provisioning-iql");
        var fastIql = dir.Combine("fast.iql");
        var text = await File.ReadAllTextAsync(RepositoryFiles.Influx("telemetry.iql")) + "\n" + await File.ReadAllTextAsync(RepositoryFiles.Influx(RawRollups));
        Assert.Contains(ShippedSchedule, text, StringComparison.Ordinal);
        // A run covers [start of (run time + EVERY - FOR), run time): EVERY 1m FOR 2m covers the two minutes before
        // the run; EVERY 1s needs FOR 3m for those same two minutes.
        await File.WriteAllTextAsync(fastIql, text.Replace(ShippedSchedule, "RESAMPLE EVERY 1s FOR 3m", StringComparison.Ordinal));
        var applied = await ApplyAsync(influx, "--iql", fastIql);
        Assert.True(applied.Code == 0, applied.Err);

        // The two complete minutes before this one (what FOR 2m covers): web-1 in the first, web-2 in the second.
        // Written early in a minute, so the continuous queries run (every second) before the window moves on.
        if (DateTimeOffset.UtcNow.Second > 40)
        {
            await Task.Delay(TimeSpan.FromSeconds(61 - DateTimeOffset.UtcNow.Second));
        }

        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60);
        var minute1 = now.AddMinutes(-2);
        var minute2 = now.AddMinutes(-1);
        var lines = new StringBuilder();
        var expected = new Dictionary<(string Host, string Class), long>();
        var expectedBytes = new Dictionary<string, long>();
        var n = 0;
        void Add(string host, DateTimeOffset minute, int status, int count, string method = "GET")
        {
            var cls = status / 100 + "xx";
            for (var i = 0; i < count; i++)
            {
                var t = minute.AddMilliseconds(++n * 37 % 59_000 + i);
                lines.Append(CultureInfo.InvariantCulture, $"http_requests,host={host},service=nginx,vhost=www.example.test,method={method},status={status},status_class={cls} status_code={status}i,bytes=100i,duration=0.25,path=\"/x\" {PrivateInfluxd.Ns(t)}\n");
            }

            // What the agent exported for the same lines: one point per series and export interval.
            AddAggregates(lines, host, minute.AddSeconds(10 + (n % 40)), method, cls, count, maxSeconds: status / 1000.0);
            expected[(host, cls)] = expected.GetValueOrDefault((host, cls)) + count;
            expectedBytes[host] = expectedBytes.GetValueOrDefault(host) + (100L * count);
        }

        Add("web-1", minute1, 200, 30);
        Add("web-1", minute1, 301, 5);
        Add("web-1", minute1, 404, 7, "POST");
        Add("web-1", minute1, 503, 3);
        Add("web-2", minute2, 200, 10);
        Add("web-2", minute2, 500, 4);
        for (var s = 0; s < 60; s += 10)
        {
            lines.Append(CultureInfo.InvariantCulture, $"system.cpu.utilization,host=web-1,cpu.mode=user value={(s / 10 % 2 == 0 ? "0.2" : "0.4")} {PrivateInfluxd.Ns(minute1.AddSeconds(s))}\n");
            lines.Append(CultureInfo.InvariantCulture, $"system.network.io,host=web-1,network.io.direction=receive value=1000 {PrivateInfluxd.Ns(minute1.AddSeconds(s))}\n");
        }

        await influx.WriteAsync("telemetry", lines.ToString());

        // The agent's request metrics, rolled up per minute under their own names and tags.
        const string perClass = "SELECT sum(\"value\") AS \"requests\" FROM \"rollup_90d\".\"http.server.request.count\" GROUP BY \"host\", \"http.response.status_class\"";
        Assert.Equal(expected.OrderBy(p => p.Key), (await WaitForTotalAsync(influx, perClass, 59)).ToDictionary(r => (r.Tags["host"], r.Tags["http.response.status_class"]), r => r.Values["requests"].GetInt64()).OrderBy(p => p.Key));
        var bytes = await influx.RowsAsync("SELECT sum(\"value\") AS \"bytes\" FROM \"rollup_90d\".\"http.server.response.body.size\" WHERE \"host\" = 'web-1'", "telemetry");
        Assert.Equal(expectedBytes["web-1"], Assert.Single(bytes).Values["bytes"].GetInt64());
        var duration = Assert.Single(await influx.RowsAsync("SELECT sum(\"count\") AS \"n\", sum(\"sum\") AS \"s\", min(\"min\") AS \"lo\", max(\"max\") AS \"hi\" FROM \"rollup_90d\".\"http.server.request.duration\" WHERE \"host\" = 'web-1'", "telemetry"));
        Assert.Equal((45L, 0.25 * 45, 0.01, 0.503), (duration.Values["n"].GetInt64(), Math.Round(duration.Values["s"].GetDouble(), 6), duration.Values["lo"].GetDouble(), duration.Values["hi"].GetDouble()));
        var web1Minute = await influx.RowsAsync("SELECT \"value\" FROM \"rollup_90d\".\"http.server.request.count\" WHERE \"host\" = 'web-1' AND \"http.response.status_class\" = '4xx' GROUP BY \"http.request.method\", \"server.address\"", "telemetry");
        Assert.Equal((minute1.ToUnixTimeSeconds(), 7.0), (Assert.Single(web1Minute).Values["time"].GetInt64() / 1_000_000_000, web1Minute[0].Values["value"].GetDouble()));
        Assert.Equal(("POST", "www.example.test"), (web1Minute[0].Tags["http.request.method"], web1Minute[0].Tags["server.address"]));

        // The optional rollups of the raw lines (raw-request-rollups.iql) give the same counts, by exact status.
        var rows = await WaitForTotalAsync(influx, "SELECT sum(\"requests\") AS \"requests\", sum(\"bytes\") AS \"bytes\", sum(\"duration_count\") AS \"n\", sum(\"duration_sum\") AS \"d\" FROM \"rollup_90d\".\"http_requests_1m\" GROUP BY \"host\", \"status_class\"", 59);
        var actual = rows.ToDictionary(r => (r.Tags["host"], r.Tags["status_class"]), r => r.Values["requests"].GetInt64());
        Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
        Assert.All(rows, r => Assert.Equal(r.Values["requests"].GetInt64(), r.Values["n"].GetInt64()));
        Assert.All(rows, r => Assert.Equal(0.25 * r.Values["n"].GetInt64(), r.Values["d"].GetDouble(), 6));
        Assert.Equal(expectedBytes["web-1"], rows.Where(r => r.Tags["host"] == "web-1").Sum(r => r.Values["bytes"].GetInt64()));
        var perMinute = await influx.RowsAsync("SELECT \"requests\" FROM \"rollup_90d\".\"http_requests_1m\" WHERE \"host\" = 'web-1' AND \"status\" = '404'", "telemetry");
        Assert.Equal(minute1.ToUnixTimeMilliseconds() * 1_000_000, Assert.Single(perMinute).Values["time"].GetInt64());
        Assert.Equal(7, perMinute[0].Values["requests"].GetInt64());
        Assert.Equal("POST", (await influx.RowsAsync("SELECT \"requests\" FROM \"rollup_90d\".\"http_requests_1m\" WHERE \"status\" = '404' GROUP BY \"method\"", "telemetry")).Single().Tags["method"]);

        // Gauges: mean per minute; delta sums: sum per minute; tags kept.
        var cpu = await WaitForAsync(influx, "SELECT \"value\" FROM \"rollup_90d\".\"system.cpu.utilization\" GROUP BY \"host\", \"cpu.mode\"");
        Assert.Equal(("web-1", "user"), (cpu.Tags["host"], cpu.Tags["cpu.mode"]));
        Assert.Equal(0.3, cpu.Values["value"].GetDouble(), 6);
        var net = await WaitForAsync(influx, "SELECT \"value\" FROM \"rollup_90d\".\"system.network.io\" GROUP BY \"network.io.direction\"");
        Assert.Equal(6000, net.Values["value"].GetDouble(), 6);

        // A late export: minute 2 was rolled up already; the agent's next export for it arrives now, within the
        // window (the minute is recomputed for a minute after it ends), and the minute's rollup is rewritten
        // with it, not added to twice.
        var late = new StringBuilder();
        AddAggregates(late, "web-2", minute2.AddSeconds(58), "GET", "2xx", 6, maxSeconds: 0.2);
        await influx.WriteAsync("telemetry", late.ToString());
        var lateRows = await WaitForTotalAsync(influx, "SELECT sum(\"value\") AS \"requests\" FROM \"rollup_90d\".\"http.server.request.count\" WHERE \"host\" = 'web-2' GROUP BY \"http.response.status_class\"", 20);
        Assert.Equal(16, lateRows.Single(r => r.Tags["http.response.status_class"] == "2xx").Values["requests"].GetInt64());
        var minute2Points = await influx.RowsAsync("SELECT \"value\" FROM \"rollup_90d\".\"http.server.request.count\" WHERE \"host\" = 'web-2' AND \"http.response.status_class\" = '2xx'", "telemetry");
        Assert.Equal((minute2.ToUnixTimeSeconds(), 16.0), (Assert.Single(minute2Points).Values["time"].GetInt64() / 1_000_000_000, minute2Points[0].Values["value"].GetDouble()));
    }

    /// <summary>The agent's request metrics for <paramref name="count"/> requests of one series, as the collector writes them.</summary>
    private static void AddAggregates(StringBuilder lines, string host, DateTimeOffset at, string method, string statusClass, int count, double maxSeconds)
    {
        var tags = $"host={host},service=telemetry-agent,http.request.method={method},http.response.status_class={statusClass},server.address=www.example.test";
        var t = PrivateInfluxd.Ns(at);
        lines.Append(CultureInfo.InvariantCulture, $"http.server.request.count,{tags} value={count} {t}\n");
        lines.Append(CultureInfo.InvariantCulture, $"http.server.response.body.size,{tags} value={100 * count} {t}\n");
        lines.Append(CultureInfo.InvariantCulture, $"http.server.request.duration,{tags} count={count}i,sum={0.25 * count},min=0.01,max={maxSeconds},p50=0.25,p90=0.25,p99=0.25 {t}\n");
    }

    [Fact]
    public async Task Every_continuous_query_recomputes_the_last_two_minutes_each_minute()
    {
        var text = await File.ReadAllTextAsync(RepositoryFiles.Influx("telemetry.iql")) + await File.ReadAllTextAsync(RepositoryFiles.Influx(RawRollups));
        var statements = text.Split('\n').Where(l => l.StartsWith("CREATE CONTINUOUS QUERY", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(statements);
        Assert.All(statements, s => Assert.Contains(" " + ShippedSchedule + " BEGIN ", s, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Backfill_rolls_up_whole_minutes_of_a_past_range_and_a_second_run_changes_nothing()
    {
        await using var influx = await PrivateInfluxd.StartAsync();
        var applied = await ApplyAsync(influx);
        Assert.True(applied.Code == 0, applied.Err);

        // Three hours ago: far outside the continuous queries' window, as after an outage of the pipeline.
        var a = DateTimeOffset.FromUnixTimeSeconds((DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60) - (3 * 3600));
        var lines = new StringBuilder();
        void Add(DateTimeOffset minute, int status, int count)
        {
            for (var i = 0; i < count; i++)
            {
                lines.Append(CultureInfo.InvariantCulture, $"http_requests,host=web-1,service=nginx,vhost=www.example.test,method=GET,status={status},status_class={status / 100}xx,route=/x status_code={status}i,bytes=10i,duration=0.5 {PrivateInfluxd.Ns(minute.AddSeconds(i % 60).AddMilliseconds(i))}\n");
            }

            AddAggregates(lines, "web-1", minute.AddSeconds(50), "GET", status / 100 + "xx", count, maxSeconds: 0.5);
        }

        Add(a, 200, 30);                 // minute A: whole, though FROM is 20 s into it (its aggregates are at :50)
        Add(a.AddMinutes(1), 503, 10);   // minute B: TO is 30 s into it, so it is rolled up whole too
        Add(a.AddMinutes(2), 200, 5);    // minute C: after the range
        Add(a.AddMinutes(-1), 200, 7);   // the minute before: before the range
        lines.Append(CultureInfo.InvariantCulture, $"system.cpu.utilization,host=web-1,cpu.mode=user value=0.2 {PrivateInfluxd.Ns(a)}\n");
        lines.Append(CultureInfo.InvariantCulture, $"system.cpu.utilization,host=web-1,cpu.mode=user value=0.4 {PrivateInfluxd.Ns(a.AddSeconds(30))}\n");
        await influx.WriteAsync("telemetry", lines.ToString());

        var from = a.AddSeconds(20).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var to = a.AddMinutes(1).AddSeconds(30).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        for (var run = 0; run < 2; run++)
        {
            var backfill = await ApplyAsync(influx, "--backfill", from, to, "--chunk", "1");
            Assert.True(backfill.Code == 0, backfill.Err);
            Assert.Contains("backfilled", backfill.Out, StringComparison.Ordinal);

            var requests = await influx.RowsAsync("SELECT \"value\" FROM \"rollup_90d\".\"http.server.request.count\"", "telemetry");
            Assert.Equal(
                [(a.ToUnixTimeSeconds(), 30.0), (a.AddMinutes(1).ToUnixTimeSeconds(), 10.0)],
                requests.Select(r => (r.Values["time"].GetInt64() / 1_000_000_000, r.Values["value"].GetDouble())).Order().ToList());
            var duration = await influx.RowsAsync("SELECT \"count\", \"sum\" FROM \"rollup_90d\".\"http.server.request.duration\"", "telemetry");
            Assert.Equal([(30L, 0.25 * 30), (10L, 0.25 * 10)], duration.Select(r => (r.Values["count"].GetInt64(), Math.Round(r.Values["sum"].GetDouble(), 6))).OrderDescending().ToList());
            var cpu = await influx.RowsAsync("SELECT \"value\" FROM \"rollup_90d\".\"system.cpu.utilization\" GROUP BY \"cpu.mode\"", "telemetry");
            Assert.Equal(0.3, Assert.Single(cpu).Values["value"].GetDouble(), 6);
            Assert.Equal("user", cpu[0].Tags["cpu.mode"]);
        }

        // The raw lines are rolled up only when the optional rollups are asked for, and then exactly the same minutes.
        Assert.Empty(await influx.RowsAsync("SELECT * FROM \"rollup_90d\".\"http_requests_1m\"", "telemetry"));
        var withRaw = await ApplyAsync(influx, "--raw-request-rollups", "--backfill", from, to, "--chunk", "1");
        Assert.True(withRaw.Code == 0, withRaw.Err);
        var raw = await influx.RowsAsync("SELECT \"requests\", \"duration_sum\" FROM \"rollup_90d\".\"http_requests_1m\"", "telemetry");
        Assert.Equal(
            [(a.ToUnixTimeSeconds(), 30L, 15.0), (a.AddMinutes(1).ToUnixTimeSeconds(), 10L, 5.0)],
            raw.Select(r => (r.Values["time"].GetInt64() / 1_000_000_000, r.Values["requests"].GetInt64(), Math.Round(r.Values["duration_sum"].GetDouble(), 6))).Order().ToList());
        var routes = await influx.RowsAsync("SELECT sum(\"requests\") AS \"requests\" FROM \"rollup_90d\".\"http_routes_1m\" GROUP BY \"route\"", "telemetry");
        Assert.Equal(("/x", 40L), (Assert.Single(routes).Tags["route"], routes[0].Values["requests"].GetInt64()));
    }

    [Theory]
    [InlineData("yesterday", "2026-11-23T10:00:00Z", "not an RFC 3339 UTC time")]
    [InlineData("2026-11-23T10:00:00+01:00", "2026-11-23T11:00:00Z", "not an RFC 3339 UTC time")]
    [InlineData("2026-11-23T11:00:00Z", "2026-11-23T10:00:00Z", "FROM must be before TO")]
    public async Task Backfill_refuses_a_range_it_cannot_read_before_touching_InfluxDB(string from, string to, string message)
    {
        await using var influx = await PrivateInfluxd.StartAsync();
        var (code, _, err) = await ApplyAsync(influx, "--backfill", from, to);
        Assert.Equal(2, code);
        Assert.Contains(message, err, StringComparison.Ordinal);
    }

    /// <summary>Rows of <paramref name="query"/> once their "requests" add up to <paramref name="total"/> (the CQs run every second).</summary>
    private static async Task<List<(Dictionary<string, string> Tags, Dictionary<string, System.Text.Json.JsonElement> Values)>> WaitForTotalAsync(PrivateInfluxd influx, string query, long total)
    {
        List<(Dictionary<string, string> Tags, Dictionary<string, System.Text.Json.JsonElement> Values)> rows = [];
        for (var attempt = 0; attempt < 150; attempt++)
        {
            rows = await influx.RowsAsync(query, "telemetry");
            if (rows.Sum(r => r.Values["requests"].GetInt64()) == total)
            {
                break;
            }

            await Task.Delay(200);
        }

        return rows;
    }

    private static async Task<(Dictionary<string, string> Tags, Dictionary<string, System.Text.Json.JsonElement> Values)> WaitForAsync(PrivateInfluxd influx, string query)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var rows = await influx.RowsAsync(query, "telemetry");
            if (rows.Count > 0)
            {
                return Assert.Single(rows);
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("no rollup for: " + query);
    }

    private const string ShippedSchedule = "RESAMPLE EVERY 1m FOR 2m";

    [GeneratedRegex("CREATE CONTINUOUS QUERY \"([a-z0-9_]+)\"")]
    private static partial Regex CqName();
}
