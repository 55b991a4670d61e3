using System.Globalization;
using System.Text.RegularExpressions;
using Telemetry.LoadGenerator.Formats;
using Telemetry.LoadGenerator.Http;
using Telemetry.LoadGenerator.Pacing;
using Telemetry.LoadGenerator.Traffic;
using Telemetry.TestKit.WebServers;

namespace Telemetry.LoadGenerator.Tests.Http;

public class HttpModeNginxTests
{
    private static readonly Regex TimedLine = new(
        "^(?<client>\\S+) - \\S+ \\[[^\\]]+\\] \"(?<method>[A-Z]+) (?<target>\\S+) HTTP/1\\.[01]\" (?<status>\\d{3}) \\d+ \"[^\"]*\" \"[^\"]*\" (?<seconds>\\d+\\.\\d{3}) (?<reqid>[0-9a-f]{32}) (?<vhost>\\S+)$",
        RegexOptions.Compiled);

    [Fact]
    public async Task Nginx_logs_exactly_the_requests_and_status_classes_the_summary_reports()
    {
        using var nginx = await NginxServer.StartAsync(NginxLineFormatter.Timed, serverConfig: ServerConfigRules.NginxLocations());
        var options = new HttpRunOptions
        {
            Url = new Uri($"http://127.0.0.1:{nginx.Port}/"),
            Traffic = new TrafficOptions { Seed = 21, RunId = "http", Rate3xx = 0.1, Rate4xx = 0.15, Rate5xx = 0.1 },
            Schedule = new RateSchedule { Rate = 2_000 },
            Count = 3_000,
            Concurrency = 8,
        };
        var summary = await new HttpLoadRunner(options, TimeProvider.System).RunAsync(CancellationToken.None);

        Assert.Equal(0, summary.TransportErrors);
        Assert.Equal(0, summary.StatusMismatches);
        Assert.Equal(3_000, summary.Total);

        // nginx writes each line when the request finishes, which is before the client sees the answer.
        var lines = await File.ReadAllLinesAsync(nginx.AccessLogPath);
        Assert.Equal(3_000, lines.Length);
        var perClass = new Dictionary<string, long>();
        var perHost = new Dictionary<string, long>();
        var rids = new HashSet<string>();
        foreach (var line in lines)
        {
            var m = TimedLine.Match(line);
            Assert.True(m.Success, line);
            var status = int.Parse(m.Groups["status"].Value, CultureInfo.InvariantCulture);
            var cls = GeneratedRequest.StatusClassOf(status);
            perClass[cls] = perClass.GetValueOrDefault(cls) + 1;
            perHost[m.Groups["vhost"].Value] = perHost.GetValueOrDefault(m.Groups["vhost"].Value) + 1;
            Assert.StartsWith("/status/" + status + "/", m.Groups["target"].Value, StringComparison.Ordinal);
            var rid = Regex.Match(m.Groups["target"].Value, "rid=(http-\\d+)$");
            Assert.True(rid.Success, line);
            Assert.True(rids.Add(rid.Groups[1].Value), "duplicate " + rid.Groups[1].Value);
        }

        foreach (var cls in new[] { "2xx", "3xx", "4xx", "5xx" })
        {
            Assert.Equal(summary.StatusClasses[cls], perClass.GetValueOrDefault(cls));
            Assert.True(perClass.GetValueOrDefault(cls) > 100, $"{cls} should be well represented");
        }

        Assert.Equal(summary.Hosts.OrderBy(p => p.Key), perHost.OrderBy(p => p.Key));
    }

    [Theory]
    [InlineData("http://10.1.2.3:80/")]
    [InlineData("http://example.com/")]
    [InlineData("http://[2001:db8::1]:8080/")]
    public void Non_loopback_targets_are_refused(string url)
    {
        var ex = Assert.Throws<ArgumentException>(() => new HttpLoadRunner(new HttpRunOptions { Url = new Uri(url), Count = 1 }, TimeProvider.System));
        Assert.Contains("only loopback", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/")]
    [InlineData("http://127.8.9.10/")]
    [InlineData("http://[::1]:8080/")]
    [InlineData("http://localhost:8080/")]
    public void Loopback_targets_are_accepted(string url) => Assert.True(HttpRunOptions.IsLoopback(new Uri(url)));
}
