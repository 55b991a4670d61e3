using Telemetry.Collector.Configuration;

namespace Telemetry.Collector.Tests.Hosting;

public sealed class UnknownKeysTests
{
    [Fact]
    public void Every_documented_key_is_known()
    {
        string[] keys =
        [
            "receiver:grpc_endpoint", "receiver:http_endpoint", "receiver:max_request_bytes", "receiver:max_decompressed_bytes",
            "receiver:tls:cert_file", "receiver:tls:key_file", "receiver:tls:client_ca_file", "receiver:tls:require_client_certificate",
            "receiver:auth:bearer_tokens:0", "receiver:auth:bearer_tokens:1", "receiver:auth:bearer_token_file",
            "self_metrics:enabled", "self_metrics:interval",
            "limits:max_records_per_request", "limits:max_string_length", "limits:max_attributes_per_record",
            "enrichment:static_tags:env", "enrichment:max_routes", "enrichment:route_rules:0",
            "influxdb:url", "influxdb:api", "influxdb:database", "influxdb:retention_policy", "influxdb:username", "influxdb:password",
            "influxdb:password_file", "influxdb:org", "influxdb:bucket", "influxdb:token", "influxdb:token_file", "influxdb:gzip",
            "influxdb:batch_max_points", "influxdb:batch_max_bytes", "influxdb:flush_interval", "influxdb:max_concurrent_requests",
            "influxdb:timeout", "influxdb:max_retries", "influxdb:queue_max_points", "influxdb:ca_file",
            "logging:LogLevel:Default", "RECEIVER:GRPC_ENDPOINT", "receiver", "receiver:tls",
        ];

        Assert.Null(UnknownKeys.FirstError(keys));
    }

    [Theory]
    [InlineData("receiver:grpc_endpont", "receiver.grpc_endpont: unknown key (known: ")]
    [InlineData("receiver:tls:enabled", "receiver.tls.enabled: unknown key (known: cert_file, ")]
    [InlineData("receiver:auth:tokens:0", "receiver.auth.tokens: unknown key (known: bearer_tokens, bearer_token_file)")]
    [InlineData("influxdb:batch_size", "influxdb.batch_size: unknown key (known: ")]
    [InlineData("collector:endpoint", "collector: unknown section (known: receiver, ")]
    public void A_key_no_option_reads_is_named(string key, string startsWith)
    {
        var error = UnknownKeys.FirstError(["receiver:http_endpoint", key]);
        Assert.NotNull(error);
        Assert.StartsWith(startsWith, error);
    }
}
