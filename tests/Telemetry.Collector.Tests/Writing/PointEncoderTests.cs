using System.Text;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Tests.Writing;

public sealed class PointEncoderTests
{
    private static string Encode(Action<PointEncoder> write)
    {
        using var buffer = new LineBuffer();
        using var encoder = new PointEncoder(buffer);
        write(encoder);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Separators_are_escaped_per_position()
    {
        var line = Encode(e =>
        {
            e.Begin("my measurement,x=1");
            e.Tag("tag key=", "a value, with=signs");
            e.Field("field key,", "say \"hi\" \\ ok, a=b");
            e.End(1_000_000_000);
        });

        Assert.Equal(
            "my\\ measurement\\,x\\=1,tag\\ key\\==a\\ value\\,\\ with\\=signs field\\ key\\,=\"say \\\"hi\\\" \\\\ ok, a=b\" 1000000000\n",
            line);
    }

    [Fact]
    public void Tag_value_ending_in_backslash_becomes_a_raw_string_field()
    {
        var line = Encode(e =>
        {
            e.Begin("m");
            e.Tag("vhost", "a\\");
            e.Tag("host", "h");
            e.Field("n", 1L);
            e.End(5);
        });

        Assert.Equal("m,host=h n=1i,vhost_raw=\"a\\\\\" 5\n", line);
    }

    [Fact]
    public void Point_without_fields_is_rolled_back()
    {
        var line = Encode(e =>
        {
            e.Begin("m");
            e.Tag("a", "b");
            Assert.False(e.End(1));
            e.Begin("m");
            Assert.False(e.Field("x", double.NaN));
            e.Field("y", 1.5);
            Assert.True(e.End(2));
        });

        Assert.Equal("m y=1.5 2\n", line);
    }

    [Fact]
    public void Key_named_time_is_renamed_and_newlines_in_names_are_replaced()
    {
        var line = Encode(e =>
        {
            e.Begin("m\nx");
            e.Field("time", true);
            e.End(3);
        });

        Assert.Equal("m_x time_=true 3\n", line);
    }

    [Theory]
    [InlineData("a\\\\", "m n=1i,vhost_raw=\"a\\\\\\\\\" 5\n")]
    [InlineData("line\nbreak", "m n=1i,vhost_raw=\"line\nbreak\" 5\n")]
    [InlineData("nul\0", "m n=1i,vhost_raw=\"nul\0\" 5\n")]
    [InlineData("a\\,b", "m,vhost=a\\\\,b n=1i 5\n")]
    public void Tag_values_InfluxDB_cannot_hold_go_to_raw_fields_and_others_stay_tags(string value, string expected)
    {
        var line = Encode(e =>
        {
            e.Begin("m");
            e.Tag("vhost", value);
            e.Field("n", 1L);
            e.End(5);
        });

        Assert.Equal(expected, line);
    }

    [Theory]
    [InlineData("#comment", "_#comment")]
    [InlineData("a=b", "a\\=b")]
    [InlineData("dir\\", "dir\\_")]
    [InlineData("a\\,b", "a\\_\\,b")]
    [InlineData("a\\b", "a\\b")]
    public void Measurement_names_are_written_so_InfluxDB_reads_them_back(string measurement, string expected)
    {
        var line = Encode(e =>
        {
            e.Begin(measurement);
            e.Field("v", 1L);
            e.End(1);
        });

        Assert.Equal(expected + " v=1i 1\n", line);
    }

    [Fact]
    public void Field_key_ending_in_backslashes_keeps_them_away_from_the_equals_sign()
    {
        var line = Encode(e =>
        {
            e.Begin("m");
            e.Field("k\\\\", 1L);
            e.End(1);
        });

        Assert.Equal("m k\\\\_=1i 1\n", line);
    }

    [Theory]
    [InlineData("time")]
    [InlineData("#m")]
    [InlineData("a b")]
    [InlineData("a,b")]
    [InlineData("a=b")]
    [InlineData("a\\b")]
    [InlineData("a\nb")]
    [InlineData("é")]
    [InlineData("")]
    public void A_name_that_needs_escaping_or_renaming_is_not_accepted_as_plain(string name)
    {
        Assert.Throws<ArgumentException>(() => new PlainName(name));
    }

    [Fact]
    public void Plain_names_are_written_as_the_same_names_given_as_bytes()
    {
        var plain = Encode(e =>
        {
            e.Begin(new PlainName("http_requests"));
            e.Tag(new PlainName("host"), "web 01"u8);
            e.Tag(new PlainName("vhost"), "a\\"u8);
            e.Field(new PlainName("path"), "/x \"y\""u8);
            e.Field(new PlainName("bytes"), 12L);
            Assert.False(e.Field(new PlainName("nan"), double.NaN));
            e.Field(new PlainName("duration"), 0.25);
            e.End(7);
        });
        var bytes = Encode(e =>
        {
            e.Begin("http_requests"u8);
            e.Tag("host"u8, "web 01"u8);
            e.Tag("vhost"u8, "a\\"u8);
            e.Field("path"u8, "/x \"y\""u8);
            e.Field("bytes"u8, 12L);
            Assert.False(e.Field("nan"u8, double.NaN));
            e.Field("duration"u8, 0.25);
            e.End(7);
        });

        Assert.Equal("http_requests,host=web\\ 01 path=\"/x \\\"y\\\"\",bytes=12i,duration=0.25,vhost_raw=\"a\\\\\" 7\n", plain);
        Assert.Equal(bytes, plain);
    }
}
