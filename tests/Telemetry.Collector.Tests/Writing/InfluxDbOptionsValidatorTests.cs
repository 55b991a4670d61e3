using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Telemetry.Collector.Configuration;
using Telemetry.Collector.Pipeline;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Tests.Writing;

public sealed class InfluxDbOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(InfluxDbOptions options) => new InfluxDbOptionsValidator().Validate(null, options);

    [Fact]
    public void Defaults_are_valid() => Assert.True(Validate(new InfluxDbOptions()).Succeeded);

    [Theory]
    [InlineData("url", "ftp://x", "influxdb.url: 'ftp://x'")]
    [InlineData("api", "v3", "influxdb.api: 'v3' must be v1 or v2")]
    [InlineData("batch_max_points", "0", "influxdb.batch_max_points: 0 is outside")]
    [InlineData("max_concurrent_requests", "-1", "influxdb.max_concurrent_requests: -1 is outside")]
    [InlineData("flush_interval", "00:00:00", "influxdb.flush_interval: 00:00:00 is outside")]
    [InlineData("password_file", "/nonexistent/pw", "influxdb.password_file: file '/nonexistent/pw' does not exist")]
    [InlineData("ca_file", "/nonexistent/ca.pem", "influxdb.ca_file: file '/nonexistent/ca.pem' does not exist")]
    [InlineData("queue_max_bytes", "1000", "influxdb.queue_max_bytes: 1000 is outside 65536 (64 KiB)..68719476736 (64 GiB)")]
    [InlineData("queue_max_bytes", "1048576", "influxdb.queue_max_bytes: 1048576 is smaller than batch_max_bytes (4194304)")]
    public void Wrong_value_is_refused_naming_the_key_and_the_value(string key, string value, string expected)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [key] = value,
            ["username"] = "u",
        }).Build();
        var options = new InfluxDbOptions();
        config.Bind(options);

        var result = Validate(options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void V2_needs_org_bucket_and_a_token()
    {
        var result = Validate(new InfluxDbOptions { Api = "v2" });

        Assert.Contains("influxdb.org: must not be empty", result.Failures!);
        Assert.Contains("influxdb.bucket: must not be empty", result.Failures!);
        Assert.Contains("influxdb.token: api v2 needs token or token_file", result.Failures!);
    }

    [Fact]
    public async Task Wrong_section_stops_the_host_at_start_with_one_clear_line()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["influxdb:url"] = "not a url",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddInfluxDbWriting(config.GetSection("influxdb"));
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<InfluxDbOptions>>().Value);

        Assert.Contains("influxdb.url: 'not a url' is not an absolute http:// or https:// URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registration_provides_the_sink_the_probe_and_binds_snake_case_keys()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["influxdb:url"] = "http://127.0.0.1:1",
            ["influxdb:batch_max_points"] = "123",
            ["influxdb:flush_interval"] = "00:00:02",
            ["influxdb:retention_policy"] = "autogen",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddInfluxDbWriting(config.GetSection("influxdb"));
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<InfluxDbOptions>>().Value;
        Assert.Equal(123, options.BatchMaxPoints);
        Assert.Equal(TimeSpan.FromSeconds(2), options.FlushInterval);
        Assert.IsType<InfluxWriteQueue>(provider.GetRequiredService<IPointSink>());
        var probe = provider.GetRequiredService<IStorageProbe>();
        Assert.False(await probe.IsReadyAsync(default));
        Assert.Equal("http://127.0.0.1:1/write?db=telemetry&rp=autogen&precision=ns", provider.GetRequiredService<InfluxDbWriter>().WriteUri.ToString());
    }
}
