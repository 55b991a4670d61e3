using System.Globalization;
using System.Text.RegularExpressions;
using Telemetry.LoadGenerator.Formats;
using Telemetry.LoadGenerator.Traffic;

namespace Telemetry.LoadGenerator.Tests.Formats;

/// <summary>
/// Each format's lines are read back with an independent regex (written from the servers' documentation,
/// not from the formatter) and compared field by field with the request that was generated.
/// </summary>
public class FormatsParseBackTests
{
    private const string Clf = @"\[(?<time>\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000)\]";
    private const string Client = @"(?<client>[0-9a-f.:]+)";
    private const string RequestLine = "\"(?<method>[A-Z]+) (?<target>\\S+) (?<proto>HTTP/[0-9.]+)\"";
    private const string RefererUa = "\"(?<referer>[^\"]*)\" \"(?<ua>[^\"]*)\"";

    private static readonly Regex ApacheCombined = new($"^{Client} - (?<user>\\S+) {Clf} {RequestLine} (?<status>\\d{{3}}) (?<bytes>\\d+|-) {RefererUa}$");
    private static readonly Regex ApacheVhostCombined = new($"^(?<vhost>[a-z.]+):(?<port>\\d+) {Client} - (?<user>\\S+) {Clf} {RequestLine} (?<status>\\d{{3}}) (?<bytes>\\d+) {RefererUa}$");
    private static readonly Regex ApacheTimed = new($"^(?<vhost>[a-z.]+) {Client} - (?<user>\\S+) {Clf} {RequestLine} (?<status>\\d{{3}}) (?<bytes>\\d+) {RefererUa} (?<micros>\\d+) \"(?<rid>[^\"]+)\"$");
    private static readonly Regex NginxCombined = new($"^{Client} - (?<user>\\S+) {Clf} {RequestLine} (?<status>\\d{{3}}) (?<bytes>\\d+) {RefererUa}$");
    private static readonly Regex NginxTimed = new($"^{Client} - (?<user>\\S+) {Clf} {RequestLine} (?<status>\\d{{3}}) (?<bytes>\\d+) {RefererUa} (?<seconds>\\d+\\.\\d{{3}}) (?<reqid>[0-9a-f]{{32}}) (?<vhost>[a-z.]+)$");

    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private static IEnumerable<GeneratedRequest> Requests(int count = 2_000)
    {
        var factory = new RequestFactory(new TrafficOptions { Seed = 17, RunId = "fmt" });
        for (var i = 0; i < count; i++)
        {
            yield return factory.Next(i, T0.AddSeconds(i * 0.37), false);
        }
    }

    private static void AssertCommon(Match m, GeneratedRequest r)
    {
        Assert.True(m.Success);
        Assert.Equal(r.Client, m.Groups["client"].Value);
        Assert.Equal(r.Method, m.Groups["method"].Value);
        Assert.Equal(r.Path + "?" + r.Query, m.Groups["target"].Value);
        Assert.EndsWith("rid=fmt-" + r.Sequence, m.Groups["target"].Value, StringComparison.Ordinal);
        Assert.Equal(r.Status.ToString(CultureInfo.InvariantCulture), m.Groups["status"].Value);
        var time = DateTimeOffset.ParseExact(m.Groups["time"].Value, "dd/MMM/yyyy:HH:mm:ss zzz", CultureInfo.InvariantCulture);
        Assert.Equal(r.Time.ToUnixTimeSeconds(), time.ToUnixTimeSeconds());
        if (m.Groups["ua"].Success)
        {
            Assert.Equal(r.UserAgent, m.Groups["ua"].Value);
            Assert.Equal(r.Referer, m.Groups["referer"].Value);
        }
    }

    [Fact]
    public void Apache_combined_lines_parse_back()
    {
        var formatter = new ApacheLineFormatter(ApacheLineFormatter.Combined);
        foreach (var r in Requests())
        {
            var m = ApacheCombined.Match(formatter.Format(r));
            AssertCommon(m, r);
            Assert.Equal(r.Bytes == 0 ? "-" : r.Bytes.ToString(CultureInfo.InvariantCulture), m.Groups["bytes"].Value);
        }
    }

    [Fact]
    public void Apache_vhost_combined_lines_parse_back()
    {
        var formatter = new ApacheLineFormatter(ApacheLineFormatter.VhostCombined);
        foreach (var r in Requests())
        {
            var m = ApacheVhostCombined.Match(formatter.Format(r));
            AssertCommon(m, r);
            Assert.Equal(r.VirtualHost, m.Groups["vhost"].Value);
            Assert.Equal("80", m.Groups["port"].Value);
        }
    }

    [Fact]
    public void Apache_custom_format_with_duration_and_request_id_parses_back()
    {
        var formatter = new ApacheLineFormatter(ApacheLineFormatter.Timed);
        foreach (var r in Requests())
        {
            var m = ApacheTimed.Match(formatter.Format(r));
            AssertCommon(m, r);
            Assert.Equal(r.VirtualHost, m.Groups["vhost"].Value);
            Assert.Equal(Math.Round(r.DurationSeconds * 1e6), double.Parse(m.Groups["micros"].Value, CultureInfo.InvariantCulture));
            Assert.Equal(r.Rid, m.Groups["rid"].Value);
        }
    }

    [Fact]
    public void Apache_time_and_query_directives_print_what_mod_log_config_prints()
    {
        var formatter = new ApacheLineFormatter("%{%Y-%m-%dT%H:%M:%S}t %{msec}t %m %U%q %H %T %{ms}T %% %>s");
        var r = Requests(1).Single();
        var expected = string.Create(CultureInfo.InvariantCulture,
            $"2026-11-23T10:00:00 {T0.ToUnixTimeMilliseconds()} {r.Method} {r.Path}?{r.Query} {r.Protocol} {(long)r.DurationSeconds} {Math.Round(r.DurationSeconds * 1000)} % {r.Status}");
        Assert.Equal(expected, formatter.Format(r));
    }

    [Fact]
    public void Nginx_combined_lines_parse_back()
    {
        var formatter = new NginxLineFormatter(NginxLineFormatter.Combined);
        foreach (var r in Requests())
        {
            var m = NginxCombined.Match(formatter.Format(r));
            AssertCommon(m, r);
            Assert.Equal(r.Bytes.ToString(CultureInfo.InvariantCulture), m.Groups["bytes"].Value);
        }
    }

    [Fact]
    public void Nginx_custom_format_with_request_time_and_request_id_parses_back()
    {
        var formatter = new NginxLineFormatter(NginxLineFormatter.Timed);
        var ids = new HashSet<string>();
        foreach (var r in Requests())
        {
            var m = NginxTimed.Match(formatter.Format(r));
            AssertCommon(m, r);
            Assert.Equal(r.DurationSeconds, double.Parse(m.Groups["seconds"].Value, CultureInfo.InvariantCulture), 3);
            Assert.Equal(r.VirtualHost, m.Groups["vhost"].Value);
            Assert.True(ids.Add(m.Groups["reqid"].Value));
        }
    }

    [Fact]
    public void Nginx_braced_variables_and_iso_time_are_written()
    {
        var formatter = new NginxLineFormatter("${remote_addr}|$time_iso8601|$msec|$request_uri|$args");
        var r = Requests(1).Single();
        Assert.Equal($"{r.Client}|2026-11-23T10:00:00+00:00|{T0.ToUnixTimeSeconds()}.000|{r.Path}?{r.Query}|{r.Query}", formatter.Format(r));
    }

    [Theory]
    [InlineData(IisW3cLineFormatter.Default)]
    [InlineData(IisW3cLineFormatter.Extended)]
    public void Iis_lines_follow_their_fields_header(string fields)
    {
        var formatter = new IisW3cLineFormatter(fields);
        var header = formatter.FileHeader(T0).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("#Software: Microsoft Internet Information Services 10.0", header[0]);
        Assert.Equal("#Version: 1.0", header[1]);
        Assert.Equal("#Date: 2026-11-23 10:00:00", header[2]);
        var names = header[3]["#Fields: ".Length..].Split(' ');
        foreach (var r in Requests())
        {
            var values = formatter.Format(r).Split(' ');
            Assert.Equal(names.Length, values.Length);
            var row = names.Zip(values).ToDictionary(p => p.First, p => p.Second);
            Assert.Equal(r.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), row["date"] + " " + row["time"]);
            Assert.Equal(r.Method, row["cs-method"]);
            Assert.Equal(r.Path, row["cs-uri-stem"]);
            Assert.Equal(r.Query, row["cs-uri-query"]);
            Assert.Equal(r.Client, row["c-ip"]);
            Assert.Equal(r.Status.ToString(CultureInfo.InvariantCulture), row["sc-status"]);
            Assert.Equal(r.UserAgent.Replace(' ', '+'), row["cs(User-Agent)"]);
            Assert.Equal(Math.Round(r.DurationSeconds * 1000).ToString(CultureInfo.InvariantCulture), row["time-taken"]);
            if (row.TryGetValue("cs-host", out var host))
            {
                Assert.Equal(r.VirtualHost, host);
            }
        }
    }

    [Theory]
    [InlineData("apache", "%h %Q", "%Q at column 4")]
    [InlineData("apache", "%h %{Referer", "column 5")]
    [InlineData("nginx", "$remote_addr $nonsense", "$nonsense at column 14")]
    [InlineData("iis", "date time s-bogus", "s-bogus at column 11")]
    public void Unknown_directives_are_refused_naming_the_column(string server, string format, string expected)
    {
        var ex = Assert.Throws<LogFormatTextException>(() => LineFormatterFactory.Create(server, format, null));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
