using Telemetry.TestKit;

namespace Telemetry.IntegrationTests.Collector;

/// <summary>The built collector binary refuses a bad collector.yaml the way an operator needs: exit code 2, nothing on
/// stdout, exactly one stderr line naming the key (no stack trace), for every section and for typos in key names.</summary>
public sealed class CollectorConfigErrorTests
{
    [Theory]
    [InlineData("receiver:\n  grpc_endpont: \"0.0.0.0:4317\"\n",
        "receiver.grpc_endpont: unknown key (known: grpc_endpoint, http_endpoint, max_request_bytes, max_decompressed_bytes, tls, auth)")]
    [InlineData("reciever:\n  grpc_endpoint: \"0.0.0.0:4317\"\n",
        "reciever: unknown section (known: receiver, self_metrics, limits, enrichment, influxdb, logging)")]
    [InlineData("receiver:\n  tls:\n    cert: /etc/x.pem\n",
        "receiver.tls.cert: unknown key (known: cert_file, key_file, client_ca_file, require_client_certificate)")]
    [InlineData("receiver:\n  max_request_bytes: lots\n", "receiver.max_request_bytes: 'lots' is not a valid Int32")]
    [InlineData("receiver:\n  tls:\n    cert_file: /nonexistent/cert.pem\n    key_file: /nonexistent/key.pem\n",
        "receiver.tls.cert_file: file '/nonexistent/cert.pem' not found")]
    [InlineData("self_metrics:\n  interval: \"00:00:00.100\"\n", "self_metrics.interval: 00:00:00.1000000 is outside 00:00:01..01:00:00")]
    [InlineData("limits:\n  max_records_per_request: 0\n", "limits.max_records_per_request: must be at least 1, got 0")]
    [InlineData("influxdb:\n  url: \"not a url\"\n", "influxdb.url: 'not a url' is not an absolute http:// or https:// URL")]
    [InlineData("influxdb:\n  batch_max_points: 0\n", "influxdb.batch_max_points: 0 is outside 1..1000000")]
    [InlineData("influxdb:\n  flush_interval: 10s\n", "influxdb.flush_interval: '10s' is not a valid TimeSpan (write durations as hh:mm:ss[.fff], e.g. 00:00:10 or 00:00:00.500)")]
    [InlineData("self_metrics:\n  enabled: yes please\n", "self_metrics.enabled: 'yes please' is not a valid Boolean (true or false)")]
    [InlineData("receiver: [\n", null)]
    public async Task Bad_config_exits_2_with_one_stderr_line_naming_the_key(string yaml, string? expected)
    {
        using var dir = new TempDirectory("collector-config");
        var path = dir.Combine("collector.yaml");
        await File.WriteAllTextAsync(path, yaml);

        await using var collector = CollectorProcess.Start("--config", path);
        var exitCode = await collector.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Equal(string.Empty, collector.Stdout);
        var line = Assert.Single(collector.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        if (expected is null)
        {
            Assert.StartsWith("--config: '" + path + "' is not valid YAML at line 2", line);
        }
        else
        {
            Assert.Equal(expected, line);
        }
    }

    [Fact]
    public async Task Missing_config_file_exits_2_naming_it()
    {
        await using var collector = CollectorProcess.Start("--config", "/nonexistent/collector.yaml");
        Assert.Equal(2, await collector.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("--config: file '/nonexistent/collector.yaml' not found\n", collector.Stderr);
    }
}
