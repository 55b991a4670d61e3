using Telemetry.Agent.Parsing;

namespace Telemetry.Agent.Tests.Parsing;

public class LogFormatFactoryTests
{
    [Theory]
    [InlineData("%h %l %Q %t", "%Q", 7)]
    [InlineData("%h %{Referer}i %j", "%j", 16)]
    [InlineData("%h %{X}", "%{X}", 4)]
    [InlineData("LogFormat \"%h %Z\" custom", "%Z", 15)]
    public void Unknown_Apache_directive_names_it_and_its_column(string format, string token, int column)
    {
        var e = Assert.Throws<LogFormatException>(() => LogFormatFactory.Create("apache", format, null));
        Assert.Equal(token, e.Token);
        Assert.Equal(column, e.Column);
        Assert.Contains(token, e.Message, StringComparison.Ordinal);
        Assert.Contains("column " + column, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("$remote_addr $bogus_var", "$bogus_var", 14)]
    [InlineData("$remote_addr ${nope} x", "${nope}", 14)]
    [InlineData("log_format main '$remote_addr '\n  '$whatever';", "$whatever", 36)]
    public void Unknown_nginx_variable_names_it_and_its_column(string format, string token, int column)
    {
        var e = Assert.Throws<LogFormatException>(() => LogFormatFactory.Create("nginx", format, null));
        Assert.Equal(token, e.Token);
        Assert.Equal(column, e.Column);
        Assert.Contains("column " + column, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_strftime_conversion_in_a_time_directive_is_an_error()
    {
        var e = Assert.Throws<LogFormatException>(() => LogFormatFactory.Create("apache", "%h %{%Y %Q}t", null));
        Assert.Contains("%Q", e.Message, StringComparison.Ordinal);
        Assert.Equal(4, e.Column);
    }

    [Fact]
    public void Unknown_format_kind_is_an_error()
    {
        var e = Assert.Throws<LogFormatException>(() => LogFormatFactory.Create("syslog", null, null));
        Assert.Contains("syslog", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apache", "apache")]
    [InlineData("nginx", "nginx")]
    [InlineData("iis", "iis")]
    [InlineData("JSON", "json")]
    public void Each_kind_compiles_with_its_default(string format, string kind)
    {
        Assert.Equal(kind, LogFormatFactory.Create(format, null, null).Kind);
    }
}
