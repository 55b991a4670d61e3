using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.Delivery;
using Telemetry.TestKit;
using Telemetry.TestKit.Certificates;

namespace Telemetry.Agent.Tests.Delivery;

public sealed class CollectorOptionsValidatorTests
{
    private static string? Failure(CollectorOptions options)
    {
        var result = new CollectorOptionsValidator().Validate(null, options);
        return result.Failed ? result.FailureMessage : null;
    }

    [Fact]
    public void Defaults_are_valid() => Assert.Null(Failure(new CollectorOptions()));

    [Fact]
    public void Plain_text_endpoint_without_insecure_names_the_key_and_value()
    {
        var failure = Failure(new CollectorOptions { Endpoint = "http://collector:4317" });

        Assert.Contains("collector.endpoint: 'http://collector:4317' is plain text", failure, StringComparison.Ordinal);
        Assert.Null(Failure(new CollectorOptions { Endpoint = "http://collector:4317", Insecure = true }));
    }

    [Theory]
    [InlineData("collector:4317")]
    [InlineData("ftp://collector:4317")]
    [InlineData("")]
    public void Endpoint_must_be_a_url(string endpoint) =>
        Assert.Contains($"collector.endpoint: '{endpoint}'", Failure(new CollectorOptions { Endpoint = endpoint }), StringComparison.Ordinal);

    [Fact]
    public void Client_certificate_without_key_is_refused()
    {
        using var pki = TestCertificates.Create();

        var failure = Failure(new CollectorOptions { ClientCertFile = pki.ClientCertFile });

        Assert.Contains("collector.client_key_file: missing", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_key_that_does_not_match_the_certificate_is_refused()
    {
        using var pki = TestCertificates.Create();

        var failure = Failure(new CollectorOptions { ClientCertFile = pki.ClientCertFile, ClientKeyFile = pki.ServerKeyFile });

        Assert.Contains("collector.client_cert_file:", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_tls_files_pass()
    {
        using var pki = TestCertificates.Create();

        Assert.Null(Failure(new CollectorOptions
        {
            CaFile = pki.CaFile,
            ClientCertFile = pki.ClientCertFile,
            ClientKeyFile = pki.ClientKeyFile,
        }));
    }

    [Fact]
    public void Missing_or_empty_ca_file_is_refused()
    {
        using var dir = new TempDirectory();
        var empty = dir.Combine("empty.pem");
        File.WriteAllText(empty, "");

        Assert.Contains("collector.ca_file: '/nonexistent/ca.pem' cannot be read", Failure(new CollectorOptions { CaFile = "/nonexistent/ca.pem" }), StringComparison.Ordinal);
        Assert.Contains($"collector.ca_file: '{empty}' holds no PEM certificate", Failure(new CollectorOptions { CaFile = empty }), StringComparison.Ordinal);
    }

    [Fact]
    public void Token_and_token_file_together_are_refused()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("token");
        File.WriteAllText(file, "abc\n");

        Assert.Contains("collector.bearer_token: set together with collector.bearer_token_file", Failure(new CollectorOptions { BearerToken = "x", BearerTokenFile = file }), StringComparison.Ordinal);
        Assert.Null(Failure(new CollectorOptions { BearerTokenFile = file }));
        Assert.Contains("collector.bearer_token_file: '/nonexistent/token' cannot be read", Failure(new CollectorOptions { BearerTokenFile = "/nonexistent/token" }), StringComparison.Ordinal);
        Assert.Contains("contains whitespace", Failure(new CollectorOptions { BearerToken = "two words" }), StringComparison.Ordinal);
    }

    [Fact]
    public void Durations_must_be_positive_and_ordered()
    {
        Assert.Contains("collector.timeout: 00:00:00 must be positive", Failure(new CollectorOptions { Timeout = TimeSpan.Zero }), StringComparison.Ordinal);
        Assert.Contains("collector.max_backoff: 00:00:01 is shorter than collector.initial_backoff 00:00:02",
            Failure(new CollectorOptions { InitialBackoff = TimeSpan.FromSeconds(2), MaxBackoff = TimeSpan.FromSeconds(1) }), StringComparison.Ordinal);
        Assert.Contains("collector.metrics_interval", Failure(new CollectorOptions { MetricsInterval = TimeSpan.FromMilliseconds(10) }), StringComparison.Ordinal);
    }

    [Fact]
    public void Snake_case_keys_bind_and_a_bad_section_stops_the_agent_at_start()
    {
        var good = ExporterHarness.Section(new Dictionary<string, string?>
        {
            ["endpoint"] = "https://collector.example:4317",
            ["bearer_token"] = "tok",
            ["gzip"] = "false",
            ["timeout"] = "00:00:03",
            ["initial_backoff"] = "00:00:00.5",
            ["max_backoff"] = "00:01:00",
            ["metrics_interval"] = "00:00:15",
        });
        var services = new ServiceCollection().AddLogging();
        services.AddOtlpExport(good);
        using (var provider = services.BuildServiceProvider())
        {
            var options = provider.GetRequiredService<IOptions<CollectorOptions>>().Value;
            Assert.Equal("https://collector.example:4317", options.Endpoint);
            Assert.Equal("tok", options.BearerToken);
            Assert.False(options.Gzip);
            Assert.Equal(TimeSpan.FromSeconds(3), options.Timeout);
            Assert.Equal(TimeSpan.FromMilliseconds(500), options.InitialBackoff);
            Assert.Equal(TimeSpan.FromMinutes(1), options.MaxBackoff);
            Assert.Equal(TimeSpan.FromSeconds(15), options.MetricsInterval);
        }

        var bad = ExporterHarness.Section(new Dictionary<string, string?> { ["endpoint"] = "http://collector:4317" });
        var badServices = new ServiceCollection().AddLogging();
        badServices.AddOtlpExport(bad);
        using var badProvider = badServices.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => badProvider.GetRequiredService<IOptions<CollectorOptions>>().Value);
        Assert.Contains("collector.endpoint: 'http://collector:4317' is plain text", error.Message, StringComparison.Ordinal);
    }
}
