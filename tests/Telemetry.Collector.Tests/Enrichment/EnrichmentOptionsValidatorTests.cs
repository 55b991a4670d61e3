using Telemetry.Collector.Configuration;

namespace Telemetry.Collector.Tests.Enrichment;

public sealed class EnrichmentOptionsValidatorTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.True(new EnrichmentOptionsValidator().Validate(null, new EnrichmentOptions()).Succeeded);
        Assert.True(new LimitsOptionsValidator().Validate(null, new LimitsOptions()).Succeeded);
    }

    [Theory]
    [InlineData("host", "x", "enrichment.static_tags: tag name 'host' is reserved")]
    [InlineData("env", "C:\\logs\\", "enrichment.static_tags.env: value 'C:\\logs\\' cannot be stored")]
    [InlineData("env", "", "enrichment.static_tags.env: value '' cannot be stored")]
    public void Static_tag_that_cannot_be_written_is_refused_with_its_key(string key, string value, string expected)
    {
        var result = new EnrichmentOptionsValidator().Validate(null, new EnrichmentOptions { StaticTags = new() { [key] = value } });
        Assert.True(result.Failed);
        Assert.StartsWith(expected, result.FailureMessage);
    }

    [Theory]
    [InlineData("static/**", "enrichment.route_rules[0]: 'static/**' must start with '/'")]
    [InlineData("/a/**/b", "enrichment.route_rules[0]: '/a/**/b' may use '**' only as its whole last segment")]
    [InlineData("/a**", "enrichment.route_rules[0]: '/a**' may use '**' only as its whole last segment")]
    public void Bad_route_rule_is_refused_with_its_index(string rule, string expected)
    {
        var result = new EnrichmentOptionsValidator().Validate(null, new EnrichmentOptions { RouteRules = [rule] });
        Assert.Equal(expected, result.FailureMessage);
    }

    [Fact]
    public void Limits_out_of_range_are_refused_with_key_and_value()
    {
        var result = new LimitsOptionsValidator().Validate(null, new LimitsOptions { MaxRecordsPerRequest = 0, MaxStringLength = 4 });
        Assert.Contains("limits.max_records_per_request: must be at least 1, got 0", result.FailureMessage);
        Assert.Contains("limits.max_string_length: must be at least 16 bytes, got 4", result.FailureMessage);
    }
}
