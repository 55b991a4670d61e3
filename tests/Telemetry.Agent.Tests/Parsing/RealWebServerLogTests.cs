using System.Net;
using System.Text;
using Telemetry.Agent.Parsing;
using Telemetry.TestKit.WebServers;

namespace Telemetry.Agent.Tests.Parsing;

/// <summary>
/// Debian's real Apache and nginx write access lines for tricky requests sent byte for byte; every line
/// they write must parse, with the attributes the request implies. Fails when a server is not installed.
/// </summary>
public class RealWebServerLogTests
{
    private const string ApacheFormat =
        "%h %l %u %t \\\"%r\\\" %>s %b \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\" %D %{X-Case}i";

    private const string NginxFormat =
        "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_time $http_x_case";

    private static readonly string LongPath = "/" + new string('l', 8000);

    private sealed record Case(string Name, byte[] Request, bool Ipv6 = false);

    private static List<Case> Cases() =>
    [
        new("plain", RawHttp.Get("/index.html?x=1&y=%20", "User-Agent: test \"quoted\" \\ ua\r\nReferer: http://r.example/\r\nX-Case: plain\r\n")),
        new("utf8", RawHttp.Concat("GET /caf"u8.ToArray(), [0xC3, 0xA9], "?q=\u00fc HTTP/1.1\r\nHost: localhost\r\nX-Case: utf8\r\nConnection: close\r\n\r\n"u8.ToArray())),
        new("high-bytes", RawHttp.Concat("GET /"u8.ToArray(), [0xFF, 0xFE, 0x80], " HTTP/1.1\r\nHost: localhost\r\nX-Case: high-bytes\r\nUser-Agent: "u8.ToArray(), [0xC0, 0xAF, 0xFF], "\r\nConnection: close\r\n\r\n"u8.ToArray())),
        new("quote-backslash", RawHttp.Get("/a\"b\\c", "X-Case: quote-backslash\r\n")),
        new("long-url", RawHttp.Get(LongPath, "X-Case: long-url\r\n")),
        new("tls", RawHttp.TlsClientHello()),
        new("http09", Encoding.ASCII.GetBytes("GET /\r\n\r\n")),
        new("garbage", Encoding.ASCII.GetBytes("\u0001\u0002 hello \"world\" \\ \r\n\r\n")),
        new("ipv6", RawHttp.Get("/index.html", "X-Case: ipv6\r\n"), Ipv6: true),
    ];

    [Fact]
    public async Task Apache_lines_for_tricky_requests_all_parse()
    {
        using var server = await ApacheServer.StartAsync(ApacheFormat, ipv6: true);
        var lines = await Drive(server);
        var parser = LogFormatFactory.Create("apache", server.LogFormatDirective, null).CreateParser();
        Check(lines, parser, "apache.request_line", hasDuration: true);
    }

    [Fact]
    public async Task Nginx_lines_for_tricky_requests_all_parse()
    {
        using var server = await NginxServer.StartAsync(NginxFormat, ipv6: true);
        var lines = await Drive(server);
        var parser = LogFormatFactory.Create("nginx", server.LogFormatDirective, null).CreateParser();
        Check(lines, parser, "nginx.request", hasDuration: true);
    }

    [Fact]
    public async Task Nginx_escape_json_lines_for_tricky_requests_all_parse()
    {
        var format = "{\"t\":\"$time_iso8601\",\"a\":\"$remote_addr\",\"u\":\"$remote_user\",\"r\":\"$request\",\"s\":$status,\"b\":$body_bytes_sent,"
            + "\"ref\":\"$http_referer\",\"ua\":\"$http_user_agent\",\"rt\":$request_time,\"c\":\"$http_x_case\"}";
        using var server = await NginxServer.StartAsync(format, escape: "json", ipv6: true);
        var lines = await Drive(server);
        var parser = LogFormatFactory.Create("nginx", server.LogFormatDirective, null).CreateParser();
        Check(lines, parser, "nginx.request", hasDuration: true, jsonEscape: true);

        // The same lines are also plain JSON lines.
        var json = LogFormatFactory.Create("json", null, new Dictionary<string, string> { ["http.response.status_code"] = "s", ["time"] = "t" }).CreateParser();
        foreach (var (_, line) in lines)
        {
            var (result, _) = json.ParseLine(line);
            Assert.True(result.Status == ParseStatus.Record, Encoding.UTF8.GetString(line) + " -> " + result.Message);
        }
    }

    private static async Task<List<(Case Case, byte[] Line)>> Drive(WebServerProcess server)
    {
        var written = new List<(Case, byte[])>();
        foreach (var c in Cases())
        {
            var before = server.ReadAccessLogLines().Count;
            await RawHttp.SendAsync(c.Ipv6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, server.Port, c.Request);
            var lines = await server.WaitForAccessLogLinesAsync(before + 1);
            Assert.True(lines.Count == before + 1, c.Name + " wrote " + (lines.Count - before) + " lines");
            written.Add((c, lines[^1]));
        }

        return written;
    }

    private static void Check(List<(Case Case, byte[] Line)> lines, ILogParser parser, string rawKey, bool hasDuration, bool jsonEscape = false)
    {
        var byCase = new Dictionary<string, RecordingSink>();
        var text = new Dictionary<string, string>();
        foreach (var (c, line) in lines)
        {
            var (result, sink) = parser.ParseLine(line);
            Assert.True(result.Status == ParseStatus.Record, c.Name + ": " + Encoding.Latin1.GetString(line) + " -> " + result.Message);
            Assert.NotNull(sink.LogTime);
            Assert.True(sink.Attributes.ContainsKey("http.response.status_code"), c.Name);
            if (hasDuration)
            {
                Assert.True(sink.Dbl("http.server.request.duration") >= 0, c.Name);
            }

            byCase[c.Name] = sink;
            text[c.Name] = Encoding.Latin1.GetString(line);
        }

        var plain = byCase["plain"];
        Assert.Equal("127.0.0.1", plain.Str("client.address"));
        Assert.Equal("GET", plain.Str("http.request.method"));
        Assert.Equal("/index.html", plain.Str("url.path"));
        Assert.Equal("x=1&y=%20", plain.Str("url.query"));
        Assert.Equal("1.1", plain.Str("network.protocol.version"));
        Assert.Equal(200, plain.Long("http.response.status_code"));
        Assert.True(plain.Long("http.response.body.size") > 0);
        Assert.Equal("test \"quoted\" \\ ua", plain.Str("user_agent.original"));
        Assert.Equal("http://r.example/", plain.Str("http.request.header.referer"));
        Assert.Equal("plain", plain.Str("http.request.header.x-case"));

        var utf8 = byCase["utf8"];
        Assert.Equal("/café", utf8.Str("url.path"));
        Assert.Equal(404, utf8.Long("http.response.status_code"));

        var high = byCase["high-bytes"];
        Assert.Equal(new byte[] { (byte)'/', 0xFF, 0xFE, 0x80 }, high.RawStrings["url.path"]);
        if (!jsonEscape)
        {
            // escape=json passes bytes >= 0x80 through; the other escapings write them as \xHH, and both decode to the same bytes.
            Assert.True(high.RawStrings.TryGetValue("user_agent.original", out var ua), text["high-bytes"]);
            Assert.Equal(new byte[] { 0xC0, 0xAF, 0xFF }, ua);
        }

        var quote = byCase["quote-backslash"];
        if (quote.Attributes.ContainsKey("http.request.method"))
        {
            Assert.Equal("/a\"b\\c", quote.Str("url.path"));
        }
        else
        {
            Assert.Equal("GET /a\"b\\c HTTP/1.1", quote.Str(rawKey));
        }

        var longUrl = byCase["long-url"];
        if (longUrl.Attributes.ContainsKey("url.path"))
        {
            Assert.Equal(LongPath, longUrl.Str("url.path"));
        }
        else
        {
            Assert.StartsWith("GET /lll", longUrl.Str(rawKey), StringComparison.Ordinal);
        }

        foreach (var garbage in new[] { "tls", "http09", "garbage" })
        {
            var sink = byCase[garbage];
            Assert.False(sink.Attributes.ContainsKey("http.request.method"), garbage);
            Assert.False(sink.Attributes.ContainsKey("url.path"), garbage);
            Assert.True(garbage == "http09" || sink.Long("http.response.status_code") >= 400, garbage);
        }

        // nginx answers HTTP/0.9 (200, no headers), Apache refuses it (400); both log the request line as it came.
        Assert.Equal("GET /", byCase["http09"].Str(rawKey));

        Assert.Equal(0x16, byCase["tls"].RawStrings[rawKey][0]);
        Assert.Equal("::1", byCase["ipv6"].Str("client.address"));
        Assert.Equal(200, byCase["ipv6"].Long("http.response.status_code"));
    }
}

public class WebServerFixtureTests
{
    [Fact]
    public async Task Missing_server_binary_fails_instead_of_skipping()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => ApacheServer.StartAsync("%h", binary: "/nonexistent/apache2"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => NginxServer.StartAsync("$remote_addr", binary: "/nonexistent/nginx"));
    }
}
