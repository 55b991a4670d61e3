using Telemetry.Agent.Parsing;

namespace Telemetry.Agent.Tests.Parsing;

public class W3cFormatTests
{
    private static ILogParser Parser(string? fields = null) => LogFormatFactory.Create("iis", fields, null).CreateParser();

    // The sample from Microsoft's "W3C Extended Log File Format (IIS 6.0)" documentation, then a second
    // header with IIS 8.5's default field set: the field list changes in the middle of the file.
    private static readonly string[] Sample =
    [
        "#Software: Microsoft Internet Information Services 6.0",
        "#Version: 1.0",
        "#Date: 2002-05-02 17:42:15",
        "#Fields: date time c-ip cs-username s-ip s-port cs-method cs-uri-stem cs-uri-query sc-status cs(User-Agent)",
        "2002-05-02 17:42:15 172.22.255.255 - 172.30.255.255 80 GET /images/picture.jpg - 200 Mozilla/4.0+(compatible;MSIE+5.5;+Windows+2000+Server)",
        "#Software: Microsoft Internet Information Services 10.0",
        "#Version: 1.0",
        "#Date: 2019-03-07 00:00:01",
        "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken",
        "2019-03-07 00:00:01 10.0.0.4 GET /default.aspx id=5&x=y 443 CONTOSO\\jdoe 2001:db8::1 Mozilla/5.0+(Windows+NT+10.0) https://www.contoso.com/ 404 2 0 15",
    ];

    [Fact]
    public void Fields_directive_sets_and_changes_the_field_list_mid_file()
    {
        var parser = Parser();
        var results = Sample.Select(l => parser.ParseLine(l)).ToArray();

        Assert.Equal(ParseStatus.Directive, results[0].Result.Status);
        Assert.Equal("Software", results[0].Result.Message);
        Assert.Equal("Fields", results[3].Result.Message);
        Assert.Equal(0, results[3].Sink.Calls);

        var first = results[4].Sink;
        Assert.Equal(ParseStatus.Record, results[4].Result.Status);
        Assert.Equal(new DateTimeOffset(2002, 5, 2, 17, 42, 15, TimeSpan.Zero), first.Instant);
        Assert.Equal(0, first.LogTime!.Value.OffsetMinutes);
        Assert.Equal("172.22.255.255", first.Str("client.address"));
        Assert.False(first.Attributes.ContainsKey("user.name"));
        Assert.Equal("172.30.255.255", first.Str("network.local.address"));
        Assert.Equal(80, first.Long("server.port"));
        Assert.Equal("GET", first.Str("http.request.method"));
        Assert.Equal("/images/picture.jpg", first.Str("url.path"));
        Assert.False(first.Attributes.ContainsKey("url.query"));
        Assert.Equal(200, first.Long("http.response.status_code"));
        Assert.Equal("Mozilla/4.0 (compatible;MSIE 5.5; Windows 2000 Server)", first.Str("user_agent.original"));

        var second = results[9].Sink;
        Assert.Equal(ParseStatus.Record, results[9].Result.Status);
        Assert.Equal("2001:db8::1", second.Str("client.address"));
        Assert.Equal("CONTOSO\\jdoe", second.Str("user.name"));
        Assert.Equal("id=5&x=y", second.Str("url.query"));
        Assert.Equal("Mozilla/5.0 (Windows NT 10.0)", second.Str("user_agent.original"));
        Assert.Equal("https://www.contoso.com/", second.Str("http.request.header.referer"));
        Assert.Equal(404, second.Long("http.response.status_code"));
        Assert.Equal(2, second.Long("iis.sub_status"));
        Assert.Equal(0, second.Long("iis.win32_status"));
        Assert.Equal(0.015, second.Dbl("http.server.request.duration"), 9);
    }

    [Fact]
    public void Each_file_keeps_its_own_field_list()
    {
        var format = LogFormatFactory.Create("iis", null, null);
        var a = format.CreateParser();
        var b = format.CreateParser();
        a.ParseLine("#Fields: date time c-ip sc-status");
        Assert.Equal(ParseStatus.Record, a.ParseLine("2020-01-01 00:00:00 1.2.3.4 200").Result.Status);
        Assert.Equal(ParseStatus.Malformed, b.ParseLine("2020-01-01 00:00:00 1.2.3.4 200").Result.Status);
    }

    [Fact]
    public void Wrong_field_count_and_bad_numbers_are_malformed()
    {
        var parser = Parser("date time c-ip sc-status");
        Assert.Contains("4 fields", parser.ParseLine("2020-01-01 00:00:00 1.2.3.4").Result.Message!, StringComparison.Ordinal);
        Assert.Equal(ParseStatus.Malformed, parser.ParseLine("2020-01-01 00:00:00 1.2.3.4 200 extra").Result.Status);
        Assert.Equal(ParseStatus.Malformed, parser.ParseLine("2020-01-01 00:00:00 1.2.3.4 OK").Result.Status);
        Assert.Equal(ParseStatus.Malformed, parser.ParseLine("2020-13-01 00:00:00 1.2.3.4 200").Result.Status);
    }

    [Fact]
    public void Configured_field_list_may_be_pasted_with_its_directive_and_time_may_have_a_fraction()
    {
        var sink = Parser("#Fields: date time cs-host cs-version sc-bytes cs-bytes X-Forwarded-For").Record(
            "2020-01-01 10:00:00.250 www.contoso.com HTTP/1.1 5120 310 203.0.113.5");
        Assert.Equal("www.contoso.com", sink.Str("server.address"));
        Assert.Equal("http", sink.Str("network.protocol.name"));
        Assert.Equal(5120, sink.Long("http.response.size"));
        Assert.Equal(310, sink.Long("http.request.size"));
        Assert.Equal("203.0.113.5", sink.Str("iis.x-forwarded-for"));
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 10, 0, 0, 250, TimeSpan.Zero), sink.Instant);
    }
}
