using System.Globalization;
using System.Text.RegularExpressions;
using Telemetry.LoadGenerator.Formats;
using Telemetry.LoadGenerator.Http;
using Telemetry.LoadGenerator.Pacing;
using Telemetry.LoadGenerator.Traffic;
using Telemetry.TestKit.WebServers;

namespace Telemetry.LoadGenerator.Tests.Http;

public class HttpModeApacheTests
{
    // The Apache "timed" LogFormat: %V %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i" %D "%{X-Request-Id}i"
    private static readonly Regex TimedLine = new(
        "^(?<vhost>\\S+) (?<client>\\S+) - \\S+ \\[[^\\]]+\\] \"(?<method>[A-Z]+) (?<target>\\S+) HTTP/1\\.[01]\" (?<status>\\d{3}) \\d+ \"[^\"]*\" \"[^\"]*\" (?<micros>\\d+) \"(?<rid>[^\"]+)\"$",
        RegexOptions.Compiled);

    [Fact]
    public async Task Apache_logs_exactly_the_requests_and_status_classes_the_summary_reports()
    {
        using var apache = await ApacheServer.StartAsync(
            ApacheLineFormatter.Timed.Replace("\"", "\\\"", StringComparison.Ordinal), extraConfig: ServerConfigRules.ApacheRewrites());
        var options = new HttpRunOptions
        {
            Url = new Uri($"http://127.0.0.1:{apache.Port}/"),
            Traffic = new TrafficOptions { Seed = 22, RunId = "ap", Rate3xx = 0.1, Rate4xx = 0.15, Rate5xx = 0.1 },
            Schedule = new RateSchedule { Rate = 1_000 },
            Count = 1_500,
            Concurrency = 8,
        };
        var summary = await new HttpLoadRunner(options, TimeProvider.System).RunAsync(CancellationToken.None);
        Assert.Equal(0, summary.TransportErrors);
        Assert.Equal(0, summary.StatusMismatches);

        // mod_log_config buffers nothing by default, but give the worker a moment to finish its writes.
        string[] lines = [];
        for (var i = 0; i < 50 && lines.Length < 1_500; i++)
        {
            await Task.Delay(100);
            lines = await File.ReadAllLinesAsync(apache.AccessLogPath);
        }

        Assert.Equal(1_500, lines.Length);
        var perClass = new Dictionary<string, long>();
        var rids = new HashSet<string>();
        foreach (var line in lines)
        {
            var m = TimedLine.Match(line);
            Assert.True(m.Success, line);
            var cls = GeneratedRequest.StatusClassOf(int.Parse(m.Groups["status"].Value, CultureInfo.InvariantCulture));
            perClass[cls] = perClass.GetValueOrDefault(cls) + 1;
            Assert.EndsWith("rid=" + m.Groups["rid"].Value, m.Groups["target"].Value, StringComparison.Ordinal);
            Assert.True(rids.Add(m.Groups["rid"].Value));
            Assert.Contains(m.Groups["vhost"].Value, options.Traffic.VirtualHosts);
        }

        foreach (var cls in new[] { "2xx", "3xx", "4xx", "5xx" })
        {
            Assert.Equal(summary.StatusClasses[cls], perClass.GetValueOrDefault(cls));
        }

        // The line the server wrote matches the generator's own Apache "timed" preset.
        Assert.Equal(ApacheLineFormatter.Timed, "%V %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\" %D \"%{X-Request-Id}i\"");
    }
}
