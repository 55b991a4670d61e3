using Telemetry.Agent.Parsing;

namespace Telemetry.Agent.Tests.Parsing;

public class JsonLinesFormatTests
{
    private static ILogParser Parser(Dictionary<string, string>? fields) => LogFormatFactory.Create("json", null, fields).CreateParser();

    [Fact]
    public void Mapped_properties_become_attributes_with_their_schema_types()
    {
        var parser = Parser(new()
        {
            ["client.address"] = "remote_ip",
            ["http.request.method"] = "method",
            ["url.path"] = "path",
            ["http.response.status_code"] = "status",
            ["http.response.body.size"] = "bytes",
            ["http.server.request.duration"] = "rt",
            ["time"] = "ts",
            ["time_format"] = "unix_ms",
        });
        var sink = parser.Record(
            "{\"ts\":971186136123,\"remote_ip\":\"10.0.0.1\",\"method\":\"GET\",\"path\":\"/a\\u00e9\",\"status\":\"404\",\"bytes\":12,\"rt\":0.5,\"other\":{\"x\":[1,2]},\"ignored\":true}");
        Assert.Equal(new DateTimeOffset(2000, 10, 10, 13, 55, 36, 123, TimeSpan.Zero), sink.Instant);
        Assert.Equal("10.0.0.1", sink.Str("client.address"));
        Assert.Equal("/aé", sink.Str("url.path"));
        Assert.Equal(404, sink.Long("http.response.status_code"));
        Assert.Equal(12, sink.Long("http.response.body.size"));
        Assert.Equal(0.5, sink.Dbl("http.server.request.duration"));
        Assert.Equal(6, sink.Attributes.Count);
    }

    [Fact]
    public void Without_a_mapping_every_top_level_scalar_is_kept_and_time_is_found()
    {
        var parser = Parser(null);
        var sink = parser.Record("{\"@timestamp\":\"2000-10-10T13:55:36.5-07:00\",\"a\":\"x\",\"n\":3,\"f\":1.5,\"b\":false,\"z\":null}");
        Assert.Equal(new DateTimeOffset(2000, 10, 10, 20, 55, 36, 500, TimeSpan.Zero), sink.Instant);
        Assert.Equal(-420, sink.LogTime!.Value.OffsetMinutes);
        Assert.Equal("x", sink.Str("a"));
        Assert.Equal(3, sink.Long("n"));
        Assert.Equal(1.5, sink.Dbl("f"));
        Assert.Equal("false", sink.Str("b"));
        Assert.False(sink.Attributes.ContainsKey("z"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"a\":1")]
    [InlineData("{\"a\":1} trailing")]
    [InlineData("{\"time\":\"yesterday\"}")]
    public void Lines_that_are_not_one_json_object_are_malformed(string line)
    {
        var (result, sink) = Parser(null).ParseLine(line);
        Assert.Equal(ParseStatus.Malformed, result.Status);
        Assert.False(string.IsNullOrEmpty(result.Message));
        Assert.Equal(0, sink.Calls);
    }

    [Fact]
    public void Non_numeric_status_is_malformed()
    {
        var (result, _) = Parser(new() { ["http.response.status_code"] = "s" }).ParseLine("{\"s\":\"OK\"}");
        Assert.Equal(ParseStatus.Malformed, result.Status);
    }

    [Fact]
    public void Unknown_time_format_is_a_configuration_error()
    {
        var e = Assert.Throws<LogFormatException>(() => Parser(new() { ["time"] = "t", ["time_format"] = "weird" }));
        Assert.Contains("weird", e.Message, StringComparison.Ordinal);
    }
}
