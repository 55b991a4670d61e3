using Telemetry.Agent.Parsing;

namespace Telemetry.Agent.Tests.Parsing;

public class NginxFormatTests
{
    private static ILogParser Parser(string? logFormat = null) => LogFormatFactory.Create("nginx", logFormat, null).CreateParser();

    [Fact]
    public void Combined_line_gives_semantic_attributes()
    {
        var sink = Parser().Record(
            "203.0.113.7 - alice [10/Oct/2000:13:55:36 -0700] \"GET /index.html?lang=en HTTP/1.1\" 200 612 \"https://example.com/\" \"Mozilla/5.0 (X11; Linux x86_64)\"");
        Assert.Equal(new DateTimeOffset(2000, 10, 10, 20, 55, 36, TimeSpan.Zero), sink.Instant);
        Assert.Equal("203.0.113.7", sink.Str("client.address"));
        Assert.Equal("alice", sink.Str("user.name"));
        Assert.Equal("GET", sink.Str("http.request.method"));
        Assert.Equal("/index.html", sink.Str("url.path"));
        Assert.Equal("lang=en", sink.Str("url.query"));
        Assert.Equal("1.1", sink.Str("network.protocol.version"));
        Assert.Equal(200, sink.Long("http.response.status_code"));
        Assert.Equal(612, sink.Long("http.response.body.size"));
        Assert.Equal("https://example.com/", sink.Str("http.request.header.referer"));
        Assert.Equal("Mozilla/5.0 (X11; Linux x86_64)", sink.Str("user_agent.original"));
    }

    [Fact]
    public void Hex_escapes_are_undone_and_garbage_requests_are_kept_raw()
    {
        var sink = Parser().Record(
            "::1 - - [10/Oct/2000:13:55:36 +0000] \"\\x16\\x03\\x01\\x00\\xF1\\x01\" 400 157 \"-\" \"a \\x22quoted\\x22 \\x5C ua\"");
        Assert.Equal(new byte[] { 0x16, 0x03, 0x01, 0x00, 0xF1, 0x01 }, sink.RawStrings["nginx.request"]);
        Assert.False(sink.Attributes.ContainsKey("http.request.method"));
        Assert.Equal("a \"quoted\" \\ ua", sink.Str("user_agent.original"));
        Assert.Equal("::1", sink.Str("client.address"));
    }

    [Fact]
    public void Custom_format_with_timings_upstream_lists_and_headers()
    {
        var format = "log_format timed '$remote_addr:$remote_port $host $server_port $scheme \"$request_method $request_uri $server_protocol\" '\n"
            + "    '$status $bytes_sent $request_length $request_time \"$upstream_response_time\" \"$upstream_addr\" \"$upstream_status\" '\n"
            + "    '$request_id $connection $connection_requests $time_iso8601 $msec \"$http_x_forwarded_for\" \"$sent_http_content_type\" ${args}';";
        var line = "198.51.100.2:53122 shop.example 443 https \"POST /cart/add?id=7 HTTP/2.0\" 201 845 1200 0.125 \"0.010, 0.100 : 0.003\" "
            + "\"10.0.0.1:8080, 10.0.0.2:8080 : 10.0.0.3:8080\" \"502, 201 : 201\" 5f1e2d3c4b5a69788796a5b4c3d2e1f0 42 3 2000-10-10T13:55:36+02:00 971178936.250 "
            + "\"203.0.113.9, 10.1.1.1\" \"application/json\" id=7";
        var sink = Parser(format).Record(line);
        Assert.Equal("198.51.100.2", sink.Str("client.address"));
        Assert.Equal(53122, sink.Long("client.port"));
        Assert.Equal("shop.example", sink.Str("server.address"));
        Assert.Equal(443, sink.Long("server.port"));
        Assert.Equal("https", sink.Str("url.scheme"));
        Assert.Equal("POST", sink.Str("http.request.method"));
        Assert.Equal("/cart/add", sink.Str("url.path"));
        Assert.Equal("id=7", sink.Str("url.query"));
        Assert.Equal("id=7", sink.Str("nginx.args"));
        Assert.Equal("2", sink.Str("network.protocol.version"));
        Assert.Equal(201, sink.Long("http.response.status_code"));
        Assert.Equal(845, sink.Long("http.response.size"));
        Assert.Equal(1200, sink.Long("http.request.size"));
        Assert.Equal(0.125, sink.Dbl("http.server.request.duration"), 9);
        Assert.Equal("0.010, 0.100 : 0.003", sink.Str("nginx.upstream_response_time"));
        Assert.Equal("10.0.0.1:8080, 10.0.0.2:8080 : 10.0.0.3:8080", sink.Str("nginx.upstream_addr"));
        Assert.Equal("502, 201 : 201", sink.Str("nginx.upstream_status"));
        Assert.Equal("5f1e2d3c4b5a69788796a5b4c3d2e1f0", sink.Str("nginx.request_id"));
        Assert.Equal(42, sink.Long("nginx.connection"));
        Assert.Equal(3, sink.Long("nginx.connection_requests"));
        Assert.Equal("203.0.113.9, 10.1.1.1", sink.Str("http.request.header.x-forwarded-for"));
        Assert.Equal("application/json", sink.Str("http.response.header.content-type"));
        Assert.Equal(new DateTimeOffset(2000, 10, 10, 11, 55, 36, TimeSpan.Zero), sink.Instant);
        Assert.Equal(120, sink.LogTime!.Value.OffsetMinutes);
    }

    [Fact]
    public void Msec_time_has_millisecond_resolution()
    {
        var sink = Parser("$msec $status").Record("971186136.123 200");
        Assert.Equal(new DateTimeOffset(2000, 10, 10, 13, 55, 36, 123, TimeSpan.Zero), sink.Instant);
        Assert.Equal(1_000_000, sink.LogTime!.Value.ResolutionNanos);
    }

    [Fact]
    public void Escape_json_format_unescapes_json_strings()
    {
        var format = "log_format j escape=json '{\"time\":\"$time_iso8601\",\"addr\":\"$remote_addr\",\"req\":\"$request\",\"status\":$status,\"ua\":\"$http_user_agent\",\"ref\":\"$http_referer\"}';";
        var sink = Parser(format).Record(
            "{\"time\":\"2000-10-10T13:55:36+00:00\",\"addr\":\"10.1.1.1\",\"req\":\"GET /caf\u00e9 HTTP/1.1\",\"status\":200,\"ua\":\"say \\\"hi\\\" \\\\ \\u0001\",\"ref\":\"\"}");
        Assert.Equal("/café", sink.Str("url.path"));
        Assert.Equal("say \"hi\" \\ \u0001", sink.Str("user_agent.original"));
        Assert.Equal(string.Empty, sink.Str("http.request.header.referer"));
        Assert.Equal(200, sink.Long("http.response.status_code"));
    }

    [Fact]
    public void Escape_none_reads_values_as_written()
    {
        var sink = Parser("log_format raw escape=none '$remote_addr \"$http_user_agent\"';").Record("1.1.1.1 \"a\\x22b\"");
        Assert.Equal("a\\x22b", sink.Str("user_agent.original"));
    }

    [Fact]
    public void Empty_value_and_dash_stay_distinguishable()
    {
        var sink = Parser().Record("1.1.1.1 - - [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1\" 200 0 \"\" \"-\"");
        Assert.Equal(string.Empty, sink.Str("http.request.header.referer"));
        Assert.False(sink.Attributes.ContainsKey("user_agent.original"));
        Assert.Equal(0, sink.Long("http.response.body.size"));
    }

    [Fact]
    public void Main_format_from_debian_nginx_conf_works_by_name()
    {
        var sink = Parser("main").Record("1.1.1.1 - - [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1\" 200 0 \"-\" \"ua\" \"9.9.9.9\"");
        Assert.Equal("9.9.9.9", sink.Str("http.request.header.x-forwarded-for"));
    }

    [Fact]
    public void Unescaped_quote_in_the_last_quoted_field_stays_in_the_value()
    {
        var sink = Parser("log_format raw escape=none '$remote_addr \"$request\" $status \"$http_user_agent\"';")
            .Record("1.1.1.1 \"GET / HTTP/1.1\" 200 \"Mozilla \"x\" y\"");
        Assert.Equal("Mozilla \"x\" y", sink.Str("user_agent.original"));
    }
}
