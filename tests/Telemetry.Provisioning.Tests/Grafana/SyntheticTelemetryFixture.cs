using System.Globalization;
using System.Text;
using Telemetry.Provisioning.Tests.InfluxDb;

namespace Telemetry.Provisioning.Tests.Grafana;

/// <summary>
/// A private influxd provisioned with apply.sh (CQs on a 1 s schedule) and filled with points shaped
/// exactly as docs/influxdb-schema.md describes: http_requests for two hosts in the last 4 minutes, host
/// metrics for three hosts (web-3 silent for the last 10 minutes), the agents' request aggregates, agent and
/// collector self-metrics.
/// </summary>
public sealed class SyntheticTelemetryFixture : IAsyncLifetime
{
    public static readonly IReadOnlyDictionary<(string Host, int Status), int> Requests = new Dictionary<(string, int), int>
    {
        [("web-1", 200)] = 120, [("web-1", 301)] = 60, [("web-1", 404)] = 40, [("web-1", 503)] = 110,
        [("web-2", 200)] = 50, [("web-2", 302)] = 10, [("web-2", 500)] = 5,
    };

    /// <summary>The agents' http.server.request.count points: 10 requests per host (web-1, web-2) every 30 s for 15 minutes (31 points each).</summary>
    public const long AggregatedRequests = 2 * 31 * 10;

    private PrivateInfluxd? _influx;

    public PrivateInfluxd Influx => _influx ?? throw new InvalidOperationException("not started");

    public DateTimeOffset Now { get; private set; }

    public static long Count(string? host, string statusClass) =>
        Requests.Where(p => (host is null || p.Key.Host == host) && (p.Key.Status / 100) + "xx" == statusClass).Sum(p => (long)p.Value);

    public async Task InitializeAsync()
    {
        _influx = await PrivateInfluxd.StartAsync();
        var iql = Path.Combine(Path.GetTempPath(), $"fast-{Guid.NewGuid():N}.iql");
        await File.WriteAllTextAsync(iql, (await File.ReadAllTextAsync(RepositoryFiles.Influx("telemetry.iql"))).Replace("RESAMPLE EVERY 1m", "RESAMPLE EVERY 1s", StringComparison.Ordinal));
        try
        {
            using var apply = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", [RepositoryFiles.Influx("apply.sh"), "--url", Influx.Url.ToString().TrimEnd('/'), "--iql", iql])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            var err = apply.StandardError.ReadToEndAsync();
            await apply.WaitForExitAsync();
            Assert.True(apply.ExitCode == 0, await err);
        }
        finally
        {
            File.Delete(iql);
        }

        Now = DateTimeOffset.UtcNow;
        var lines = new StringBuilder();
        var routes = new[] { "/", "/users/{id}", "/products/{id}", "/static/app.js" };
        var uas = new[] { "browser", "bot", "other" };
        var n = 0;
        foreach (var ((host, status), count) in Requests)
        {
            var vhost = host == "web-1" ? "www.example.test" : "api.example.test";
            for (var i = 0; i < count; i++)
            {
                n++;
                var t = Now.AddSeconds(-230).AddMilliseconds(n * 577L % 220_000);
                var route = routes[n % routes.Length];
                var method = n % 5 == 0 ? "POST" : "GET";
                lines.Append(CultureInfo.InvariantCulture,
                    $"http_requests,host={host},method={method},route={route},service=nginx,status={status},status_class={status / 100}xx,ua_class={uas[n % 3]},vhost={vhost} ");
                lines.Append(CultureInfo.InvariantCulture,
                    $"bytes={100 + (n % 900)}i,client=\"203.0.113.{n % 20}\",duration={0.001 * (1 + (n % 400))},path=\"{route.Replace("{id}", (n % 50).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)}\",query=\"rid=syn-{n}\",status_code={status}i,user_agent=\"curl/8\" {PrivateInfluxd.Ns(t)}\n");
            }
        }

        for (var s = 900; s >= 0; s -= 30)
        {
            var t = PrivateInfluxd.Ns(Now.AddSeconds(-s));
            foreach (var host in new[] { "web-1", "web-2", "web-3" })
            {
                if (host == "web-3" && s < 600)
                {
                    continue;
                }

                var h = $"host={host},service=telemetry-agent";
                foreach (var mode in new[] { "user", "system", "idle" })
                {
                    lines.Append(CultureInfo.InvariantCulture, $"system.cpu.utilization,cpu.mode={mode},{h} value={(mode == "idle" ? 0.7 : 0.15)} {t}\n");
                }

                if (host == "web-3")
                {
                    continue;
                }

                foreach (var state in new[] { "used", "free", "cached" })
                {
                    lines.Append(CultureInfo.InvariantCulture, $"system.memory.usage,{h},system.memory.state={state} value=1000000000 {t}\n");
                    lines.Append(CultureInfo.InvariantCulture, $"system.memory.utilization,{h},system.memory.state={state} value=0.33 {t}\n");
                }

                foreach (var m in new[] { "1m", "5m", "15m" })
                {
                    lines.Append(CultureInfo.InvariantCulture, $"system.cpu.load_average.{m},{h} value=0.5 {t}\n");
                }

                foreach (var dir in new[] { "read", "write" })
                {
                    lines.Append(CultureInfo.InvariantCulture, $"system.disk.io,disk.io.direction={dir},{h},system.device=sda value=4096 {t}\n");
                    lines.Append(CultureInfo.InvariantCulture, $"system.disk.operations,disk.io.direction={dir},{h},system.device=sda value=3 {t}\n");
                }

                foreach (var dir in new[] { "receive", "transmit" })
                {
                    lines.Append(CultureInfo.InvariantCulture, $"system.network.io,{h},network.interface.name=eth0,network.io.direction={dir} value=50000 {t}\n");
                    lines.Append(CultureInfo.InvariantCulture, $"system.network.errors,{h},network.interface.name=eth0,network.io.direction={dir} value=0 {t}\n");
                }

                lines.Append(CultureInfo.InvariantCulture, $"system.filesystem.utilization,{h},system.device=sda1,system.filesystem.mountpoint=/ value=0.42 {t}\n");
                lines.Append(CultureInfo.InvariantCulture, $"system.filesystem.usage,{h},system.device=sda1,system.filesystem.mountpoint=/,system.filesystem.state=used value=4200000000 {t}\n");
                foreach (var name in new[] { "lines.read", "lines.acknowledged", "lines.malformed", "export.retries" })
                {
                    lines.Append(CultureInfo.InvariantCulture, $"telemetry.agent.{name},{h} value=10 {t}\n");
                }

                var a = $"{h},http.request.method=GET,http.response.status_class=2xx,server.address={(host == "web-1" ? "www.example.test" : "api.example.test")}";
                lines.Append(CultureInfo.InvariantCulture, $"http.server.request.count,{a} value=10 {t}\n");
                lines.Append(CultureInfo.InvariantCulture, $"http.server.response.body.size,{a} value=5000 {t}\n");
                lines.Append(CultureInfo.InvariantCulture, $"http.server.request.duration,{a} count=10i,sum=0.5,min=0.01,max=0.2,p50=0.04,p90=0.1,p99=0.19 {t}\n");
                lines.Append(CultureInfo.InvariantCulture, $"telemetry.agent.file.lag,{h},log.file.path=/var/log/nginx/access.log value=2048 {t}\n");
                lines.Append(CultureInfo.InvariantCulture, $"telemetry.agent.batches.in_flight,{h} value=3 {t}\n");
            }

            var c = "host=collector-1,service=telemetry-collector";
            foreach (var name in new[] { "records.received", "points.written", "records.rejected", "points.failed", "points.rejected", "write.retries" })
            {
                lines.Append(CultureInfo.InvariantCulture, $"telemetry.collector.{name},{c} value=20 {t}\n");
            }

            lines.Append(CultureInfo.InvariantCulture, $"telemetry.collector.write.queue_depth,{c} value=7 {t}\n");
            lines.Append(CultureInfo.InvariantCulture, $"telemetry.collector.write.duration,{c} count=5i,sum=0.05,min=0.001,max=0.02,p50=0.008,p90=0.015,p99=0.019 {t}\n");
        }

        await Influx.WriteAsync("telemetry", lines.ToString());

        // The points reach back 15 minutes, further than the CQs' window (RESAMPLE FOR 2m): their older minutes
        // are rolled up the way an operator does after an outage, with apply.sh --backfill.
        static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        using (var backfill = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash",
            [RepositoryFiles.Influx("apply.sh"), "--url", Influx.Url.ToString().TrimEnd('/'), "--backfill", Rfc3339(Now.AddMinutes(-16)), Rfc3339(Now.AddMinutes(1))])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!)
        {
            var err = backfill.StandardError.ReadToEndAsync();
            var output = backfill.StandardOutput.ReadToEndAsync();
            await backfill.WaitForExitAsync();
            Assert.True(backfill.ExitCode == 0, await err + await output);
        }

        // Wait until every request the agents counted is rolled up (the 1 s CQs keep rewriting the last minutes
        // with the same values).
        for (var i = 0; i < 150; i++)
        {
            var total = ProvisionedQuery.SumValues(await Influx.QueryAsync("SELECT sum(\"value\") FROM \"rollup_90d\".\"http.server.request.count\"", "telemetry"));
            if (total == AggregatedRequests)
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("continuous queries did not roll up the synthetic request metrics");
    }

    public async Task DisposeAsync()
    {
        if (_influx is not null)
        {
            await _influx.DisposeAsync();
        }
    }
}
