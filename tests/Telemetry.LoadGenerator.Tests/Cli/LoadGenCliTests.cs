using System.Text.Json;
using Telemetry.LoadGenerator.Cli;
using Telemetry.TestKit;

namespace Telemetry.LoadGenerator.Tests.Cli;

public class LoadGenCliTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await LoadGenCli.RunAsync(args, stdout, stderr, TimeProvider.System, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task File_mode_prints_a_json_summary_that_matches_the_file()
    {
        using var dir = new TempDirectory("loadgen-cli");
        var path = dir.Combine("access.log");
        var (code, output, error) = await Run("file", "--out", path, "--format", "apache", "--preset", "vhost_combined",
            "--count", "1500", "--rate", "500", "--pace", "none", "--start", "2026-11-23T10:00:00Z", "--seed", "3", "--run-id", "cli");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(1500, root.GetProperty("total").GetInt64());
        Assert.Equal("apache", root.GetProperty("server").GetString());
        Assert.Equal("%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"", root.GetProperty("log_format").GetString());
        long classSum = 0;
        foreach (var cls in root.GetProperty("status_class").EnumerateObject())
        {
            classSum += cls.Value.GetInt64();
        }

        Assert.Equal(1500, classSum);
        Assert.Equal(3, root.GetProperty("per_second").GetArrayLength());
        Assert.Equal("2026-11-23T10:00:00.0000000Z", root.GetProperty("first_timestamp").GetString());
        Assert.Equal("rid=cli-", root.GetProperty("ids").GetProperty("prefix").GetString());
        Assert.Equal(1499, root.GetProperty("ids").GetProperty("last").GetInt64());
        Assert.Equal(1500, File.ReadLines(path).Count());
        var hostSum = root.GetProperty("host").EnumerateObject().Sum(p => p.Value.GetInt64());
        Assert.Equal(1500, hostSum);
    }

    [Theory]
    [InlineData("--rate-5xx 2", "--rate-5xx")]
    [InlineData("--bogus 1", "--bogus: unknown option")]
    [InlineData("--format xml", "--format")]
    [InlineData("--rotate-mode move", "--rotate-mode")]
    public async Task Bad_options_fail_with_one_line_naming_the_option(string extra, string expected)
    {
        using var dir = new TempDirectory("loadgen-cli");
        string[] args = ["file", "--out", dir.Combine("x.log"), "--count", "1", .. extra.Split(' ')];
        if (!extra.StartsWith("--format", StringComparison.Ordinal))
        {
            args = [.. args, "--format", "nginx"];
        }

        var (code, _, error) = await Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_mode_refuses_a_remote_host()
    {
        var (code, output, error) = await Run("http", "--url", "http://192.0.2.10:80/", "--count", "5");
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains("only loopback", error, StringComparison.Ordinal);
    }
}
