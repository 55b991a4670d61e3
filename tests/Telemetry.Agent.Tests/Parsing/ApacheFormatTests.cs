using Telemetry.Agent.Parsing;

namespace Telemetry.Agent.Tests.Parsing;

public class ApacheFormatTests
{
    private static ILogParser Parser(string? logFormat = null) => LogFormatFactory.Create("apache", logFormat, null).CreateParser();

    [Fact]
    public void Combined_line_from_the_Apache_documentation_gives_semantic_attributes()
    {
        var sink = Parser("combined").Record(
            "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif?x=1 HTTP/1.0\" 200 2326 \"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"");

        Assert.Equal(new DateTimeOffset(2000, 10, 10, 20, 55, 36, TimeSpan.Zero), sink.Instant);
        Assert.Equal(-420, sink.LogTime!.Value.OffsetMinutes);
        Assert.Equal(1_000_000_000, sink.LogTime!.Value.ResolutionNanos);
        Assert.Equal("127.0.0.1", sink.Str("client.address"));
        Assert.Equal("frank", sink.Str("user.name"));
        Assert.Equal("GET", sink.Str("http.request.method"));
        Assert.Equal("/apache_pb.gif", sink.Str("url.path"));
        Assert.Equal("x=1", sink.Str("url.query"));
        Assert.Equal("http", sink.Str("network.protocol.name"));
        Assert.Equal("1.0", sink.Str("network.protocol.version"));
        Assert.Equal(200, sink.Long("http.response.status_code"));
        Assert.Equal(2326, sink.Long("http.response.body.size"));
        Assert.Equal("http://www.example.com/start.html", sink.Str("http.request.header.referer"));
        Assert.Equal("Mozilla/4.08 [en] (Win98; I ;Nav)", sink.Str("user_agent.original"));
        Assert.False(sink.Attributes.ContainsKey("apache.remote_logname"), "- is absent");
    }

    [Theory]
    [InlineData("%D", "1234", "0.001234")]
    [InlineData("%D", "7", "7E-06")]
    [InlineData("%D", "999999", "0.999999")]
    [InlineData("%D", "3000001", "3.000001")]
    [InlineData("%{ms}T", "15", "0.015")]
    [InlineData("%{ms}T", "1003", "1.003")]
    [InlineData("%{us}T", "123457", "0.123457")]
    public void Sub_second_durations_are_the_decimal_value_not_a_17_digit_neighbour(string directive, string logged, string seconds)
    {
        // 1234 * 1e-6 is 0.0012339999999999999; InfluxDB, Grafana and the parse tool would show that.
        var sink = Parser(directive + " %>s").Record(logged + " 200");

        var duration = sink.Dbl("http.server.request.duration");
        Assert.Equal(seconds, duration.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Default_format_is_combined_and_common_works_by_name()
    {
        var common = Parser("common").Record("::1 - - [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1\" 404 -");
        Assert.Equal("::1", common.Str("client.address"));
        Assert.Equal(404, common.Long("http.response.status_code"));
        Assert.False(common.Attributes.ContainsKey("http.response.body.size"));

        var byDefault = Parser(null).Record("1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8\"");
        Assert.Equal("curl/8", byDefault.Str("user_agent.original"));
        Assert.False(byDefault.Attributes.ContainsKey("http.request.header.referer"));
    }

    [Fact]
    public void Vhost_combined_gives_server_address_and_port()
    {
        var sink = Parser("vhost_combined").Record(
            "www.example.org:443 10.0.0.1 - - [10/Oct/2000:13:55:36 +0200] \"POST /login HTTP/2.0\" 302 512 \"-\" \"Mozilla/5.0\"");
        Assert.Equal("www.example.org", sink.Str("server.address"));
        Assert.Equal(443, sink.Long("server.port"));
        Assert.Equal(512, sink.Long("http.response.size"));
        Assert.Equal("2", sink.Str("network.protocol.version"));
        Assert.Equal("POST", sink.Str("http.request.method"));
    }

    [Fact]
    public void Pasted_LogFormat_line_from_apache2_conf_works()
    {
        var sink = Parser("LogFormat \"%h %l %u %t \\\"%r\\\" %>s %O \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\"\" combined")
            .Record("1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET /a HTTP/1.1\" 200 99 \"-\" \"ua\"");
        Assert.Equal(99, sink.Long("http.response.size"));
        Assert.Equal("/a", sink.Str("url.path"));
    }

    [Fact]
    public void Escaped_quotes_backslashes_and_hex_bytes_are_unescaped()
    {
        var sink = Parser().Record(
            "1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET /caf\\xc3\\xa9/\\\"q\\\"\\\\x HTTP/1.1\" 200 5 \"-\" \"say \\\"hi\\\" \\\\o/\"");
        Assert.Equal("/café/\"q\"\\x", sink.Str("url.path"));
        Assert.Equal("say \"hi\" \\o/", sink.Str("user_agent.original"));
    }

    [Fact]
    public void Request_line_that_is_not_method_target_protocol_is_kept_raw()
    {
        var tls = Parser().Record("1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"\\x16\\x03\\x01\\x02\\x00\\x01\" 400 226 \"-\" \"-\"");
        Assert.Equal(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01 }, tls.RawStrings["apache.request_line"]);
        Assert.False(tls.Attributes.ContainsKey("http.request.method"));
        Assert.False(tls.Attributes.ContainsKey("url.path"));
        Assert.Equal(400, tls.Long("http.response.status_code"));

        var http09 = Parser().Record("1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET /\" 400 226 \"-\" \"-\"");
        Assert.Equal("GET /", http09.Str("apache.request_line"));
        Assert.False(http09.Attributes.ContainsKey("url.path"));

        var empty = Parser().Record("1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"\" 408 - \"-\" \"-\"");
        Assert.Equal(string.Empty, empty.Str("apache.request_line"));
    }

    [Fact]
    public void Dash_is_absent_and_empty_quotes_are_an_empty_value()
    {
        var sink = Parser().Record("1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5 \"\" \"-\"");
        Assert.Equal(string.Empty, sink.Str("http.request.header.referer"));
        Assert.False(sink.Attributes.ContainsKey("user_agent.original"));
    }

    [Fact]
    public void Query_with_question_mark_and_nothing_after_is_an_empty_query()
    {
        var sink = Parser("common").Record("1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET /a? HTTP/1.1\" 200 5");
        Assert.Equal("/a", sink.Str("url.path"));
        Assert.Equal(string.Empty, sink.Str("url.query"));
        var none = Parser("common").Record("1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET /a HTTP/1.1\" 200 5");
        Assert.False(none.Attributes.ContainsKey("url.query"));
    }

    [Fact]
    public void Custom_format_with_durations_headers_condition_modifiers_and_ports()
    {
        var format = "%a %{c}a %A %{remote}p %p %v %V %m %U %q %H %>s %<s %B %I %O %S %D %T %{ms}T %k %L %P %{tid}P %R %X %f"
            + " %{X-Request-Id}i %400,501{User-agent}i %!200{Referer}i %{Content-Type}o %{sessionid}C %{HOME}e %{note}n %l %u %%";
        var line = "10.0.0.9 10.0.0.1 192.168.1.5 50422 8080 example.com www.example.com PUT /up ?a=b HTTP/1.1 201 200 17 300 400 700 1500 1 1500"
            + " 3 YWJj 1234 5678 core - /var/www/up abc-123 - - text/html sid val - - alice %";
        var sink = Parser(format).Record(line);
        Assert.Equal("10.0.0.9", sink.Str("client.address"));
        Assert.Equal("10.0.0.1", sink.Str("network.peer.address"));
        Assert.Equal("192.168.1.5", sink.Str("network.local.address"));
        Assert.Equal(50422, sink.Long("client.port"));
        Assert.Equal(8080, sink.Long("server.port"));
        Assert.Equal("example.com", sink.Str("server.address"));
        Assert.Equal("www.example.com", sink.Str("apache.request_server_name"));
        Assert.Equal("PUT", sink.Str("http.request.method"));
        Assert.Equal("/up", sink.Str("url.path"));
        Assert.Equal("a=b", sink.Str("url.query"));
        Assert.Equal("http", sink.Str("network.protocol.name"));
        Assert.Equal(201, sink.Long("http.response.status_code"));
        Assert.Equal(200, sink.Long("apache.original_status"));
        Assert.Equal(17, sink.Long("http.response.body.size"));
        Assert.Equal(300, sink.Long("http.request.size"));
        Assert.Equal(400, sink.Long("http.response.size"));
        Assert.Equal(700, sink.Long("apache.bytes_transferred"));
        Assert.Equal(0.0015, sink.Dbl("http.server.request.duration"), 9);
        Assert.Equal(1.0, sink.Dbl("apache.duration"), 9);
        Assert.Equal(1.5, sink.Dbl("apache.duration_2"), 9);
        Assert.Equal(3, sink.Long("apache.keepalive_requests"));
        Assert.Equal("YWJj", sink.Str("apache.log_id"));
        Assert.Equal(1234, sink.Long("apache.pid"));
        Assert.Equal(5678, sink.Long("apache.tid"));
        Assert.Equal("core", sink.Str("apache.handler"));
        Assert.Equal("/var/www/up", sink.Str("apache.filename"));
        Assert.Equal("abc-123", sink.Str("http.request.header.x-request-id"));
        Assert.False(sink.Attributes.ContainsKey("user_agent.original"));
        Assert.Equal("text/html", sink.Str("http.response.header.content-type"));
        Assert.Equal("sid", sink.Str("apache.cookie.sessionid"));
        Assert.Equal("val", sink.Str("apache.env.HOME"));
        Assert.Equal("alice", sink.Str("user.name"));
        Assert.Null(sink.LogTime);
    }

    [Theory]
    [InlineData("%{%d/%b/%Y:%H:%M:%S %z}t", "10/Oct/2000:13:55:36 -0700", "2000-10-10T20:55:36Z", 1_000_000_000)]
    [InlineData("%{%Y-%m-%dT%H:%M:%S%z}t", "2000-10-10T13:55:36+0100", "2000-10-10T12:55:36Z", 1_000_000_000)]
    [InlineData("%{%F %T %z}t.%{msec_frac}t", "2000-10-10 13:55:36 +0000.123", "2000-10-10T13:55:36.123Z", 1_000_000)]
    [InlineData("%{sec}t", "971186136", "2000-10-10T13:55:36Z", 1_000_000_000)]
    [InlineData("%{msec}t", "971186136123", "2000-10-10T13:55:36.123Z", 1_000_000)]
    [InlineData("%{begin:usec}t", "971186136123456", "2000-10-10T13:55:36.123456Z", 1_000)]
    [InlineData("%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t", "10/Oct/2000 13:55:36.123 -0700", "2000-10-10T20:55:36.123Z", 1_000_000)]
    [InlineData("[%{%d/%b/%Y:%H:%M:%S}t.%{usec_frac}t %{%z}t]", "[10/Oct/2000:13:55:36.000042 +0100]", "2000-10-10T12:55:36.000042Z", 1_000)]
    public void Time_directives_read_back_the_logged_instant(string format, string logged, string? utc, long resolution)
    {
        var sink = Parser(format + " %>s").Record(logged + " 200");
        Assert.NotNull(sink.LogTime);
        if (utc is not null)
        {
            Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), sink.Instant);
        }

        Assert.Equal(resolution, sink.LogTime!.Value.ResolutionNanos);
        Assert.Equal(200, sink.Long("http.response.status_code"));
    }

    [Fact]
    public void Line_that_does_not_match_is_malformed_with_a_reason_and_emits_nothing()
    {
        var parser = Parser();
        var (bad, sink) = parser.ParseLine("1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1\" abc 5 \"-\" \"-\"");
        Assert.Equal(ParseStatus.Malformed, bad.Status);
        Assert.Contains("%>s", bad.Message!, StringComparison.Ordinal);
        Assert.Equal(0, sink.Calls);

        var (noTime, _) = parser.ParseLine("1.2.3.4 - - [10/Oct/2000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\"");
        Assert.Equal(ParseStatus.Malformed, noTime.Status);
        Assert.Contains("at column 13", noTime.Message!, StringComparison.Ordinal);

        var (cut, _) = parser.ParseLine("1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1");
        Assert.Equal(ParseStatus.Malformed, cut.Status);

        var (extra, _) = Parser("common").ParseLine("1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5 trailing");
        Assert.Equal(ParseStatus.Malformed, extra.Status);
    }

    [Fact]
    public void Same_parser_handles_many_lines_without_leaking_values_between_them()
    {
        var parser = Parser();
        var first = parser.Record("1.2.3.4 - bob [10/Oct/2000:13:55:36 +0000] \"GET /long/path/name?q=1 HTTP/1.1\" 200 5 \"http://r/\" \"ua1\"");
        var second = parser.Record("5.6.7.8 - - [10/Oct/2000:13:55:37 +0000] \"GET /s HTTP/1.1\" 200 5 \"-\" \"ua2\"");
        Assert.Equal("bob", first.Str("user.name"));
        Assert.False(second.Attributes.ContainsKey("user.name"));
        Assert.Equal("/s", second.Str("url.path"));
        Assert.Equal("ua2", second.Str("user_agent.original"));
    }
}
