using Microsoft.Extensions.DependencyInjection;
using Telemetry.Collector.Pipeline;
using Telemetry.Collector.Tests.Hosting;
using Telemetry.TestKit;

namespace Telemetry.Collector.Tests.HostingTests;

public sealed class ConfigurationErrorTests
{
    internal static async Task<(int ExitCode, string[] Lines)> RunAsync(string? yaml, Action<string>? prepare = null, string[]? args = null)
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("collector.yaml");
        if (yaml is not null)
        {
            await File.WriteAllTextAsync(path, yaml.Replace("$DIR", dir.Path));
        }

        prepare?.Invoke(dir.Path);
        using var stderr = new StringWriter();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var code = await CollectorApp.RunAsync(args ?? ["--config", path], stderr,
            (services, _) => services.AddSingleton<IExportPipeline>(new FakeExportPipeline()), cts.Token);
        return (code, stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Missing_config_file_is_one_line_and_exit_code_2()
    {
        var (code, lines) = await RunAsync(null);

        Assert.Equal(2, code);
        var line = Assert.Single(lines);
        Assert.StartsWith("--config: file '", line);
        Assert.EndsWith("not found", line);
    }

    [Theory]
    [InlineData("receiver:\n  grpc_endpoint: [a, b\n", "--config: ", "is not valid YAML at line 3")]
    [InlineData("receiver:\n  max_request_bytes: lots\n", "receiver.max_request_bytes: 'lots' is not a valid Int32", "")]
    [InlineData("receiver:\n  max_request_bytes: 10\n", "receiver.max_request_bytes: 10 is below the minimum", "")]
    [InlineData("receiver:\n  grpc_endpoint: \"nohost\"\n", "receiver.grpc_endpoint: 'nohost' is not host:port", "")]
    [InlineData("receiver:\n  grpc_endpoint: \"127.0.0.1:4999\"\n  http_endpoint: \"127.0.0.1:4999\"\n", "receiver.http_endpoint: port 4999", "")]
    [InlineData("receiver:\n  tls:\n    cert_file: /no/such/cert.pem\n    key_file: /no/such/key.pem\n", "receiver.tls.cert_file: file '/no/such/cert.pem' not found", "")]
    [InlineData("receiver:\n  tls:\n    cert_file: $DIR/garbage.pem\n    key_file: $DIR/garbage.pem\n", "receiver.tls.cert_file: cannot load certificate", "")]
    [InlineData("receiver:\n  tls:\n    require_client_certificate: true\n", "receiver.tls.cert_file: required", "")]
    [InlineData("receiver:\n  auth:\n    bearer_tokens: [\"\"]\n", "receiver.auth.bearer_tokens[0]:", "")]
    [InlineData("receiver:\n  auth:\n    bearer_token_file: /no/tokens\n", "receiver.auth.bearer_token_file: file '/no/tokens' not found", "")]
    [InlineData("self_metrics:\n  interval: 00:00:00.010\n", "self_metrics.interval: 00:00:00.0100000 is outside", "")]
    [InlineData("- just\n- a list\n", "--config: ", "must hold a YAML mapping")]
    public async Task Bad_configuration_is_one_line_naming_the_key_and_exit_code_2(string yaml, string startsWith, string contains)
    {
        var (code, lines) = await RunAsync(yaml, dir => File.WriteAllText(Path.Combine(dir, "garbage.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));

        Assert.Equal(2, code);
        var line = Assert.Single(lines);
        Assert.StartsWith(startsWith, line);
        Assert.Contains(contains, line);
    }
}

/// <summary>Changes process environment variables, so it runs alone.</summary>
[CollectionDefinition(nameof(EnvironmentCollection), DisableParallelization = true)]
public sealed class EnvironmentCollection;

[Collection(nameof(EnvironmentCollection))]
public sealed class EnvironmentOverrideTests
{
    [Fact]
    public async Task Environment_overrides_the_file_with_the_TELEMETRY_prefix()
    {
        Environment.SetEnvironmentVariable("TELEMETRY_SELF_METRICS__INTERVAL", "00:00:00.001");
        try
        {
            var (code, lines) = await ConfigurationErrorTests.RunAsync("self_metrics:\n  interval: 00:00:10\n");
            Assert.Equal(2, code);
            Assert.StartsWith("self_metrics.interval: 00:00:00.0010000", Assert.Single(lines));
        }
        finally
        {
            Environment.SetEnvironmentVariable("TELEMETRY_SELF_METRICS__INTERVAL", null);
        }
    }
}

public sealed class ProcessExitTests
{
    [Fact]
    public async Task The_collector_binary_prints_one_line_and_exits_2_on_a_bad_config()
    {
        using var dir = new TempDirectory();
        var config = dir.Combine("collector.yaml");
        await File.WriteAllTextAsync(config, "receiver:\n  http_endpoint: \"127.0.0.1:notaport\"\n");
        var (code, stdout, stderr) = await RunBinaryAsync(["--config", config]);

        Assert.Equal(2, code);
        Assert.Equal("receiver.http_endpoint: '127.0.0.1:notaport' is not host:port (e.g. 0.0.0.0:4318)", stderr.TrimEnd('\n'));
        Assert.Equal(string.Empty, stdout);
    }

    [Theory]
    [InlineData("--bogus: unknown argument", "--bogus")]
    [InlineData("--config: needs a file path", "--config")]
    [InlineData("--config: needs a file path", "--config", " ")]
    [InlineData("extra: unknown argument", "--config", "collector.yaml", "extra")]
    public async Task Bad_command_line_is_one_line_naming_the_argument_and_exit_code_2(string startsWith, params string[] args)
    {
        var (code, stdout, stderr) = await RunBinaryAsync(args);

        Assert.Equal(2, code);
        Assert.StartsWith(startsWith, Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(string.Empty, stdout);
    }

    [Fact]
    public async Task Help_and_version_answer_on_stdout_without_starting_the_collector()
    {
        var help = await RunBinaryAsync(["--help"]);
        Assert.Equal(0, help.ExitCode);
        Assert.StartsWith("usage: telemetry-collector [--config <collector.yaml>]", help.Stdout);

        var version = await RunBinaryAsync(["--version"]);
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunBinaryAsync(string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "telemetry-collector.dll");
        Assert.True(File.Exists(dll), dll + " is missing");
        var info = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
