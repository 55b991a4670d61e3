using Microsoft.Extensions.Configuration;

namespace Telemetry.Agent.Configuration;

/// <summary>Where and how the agent reaches the collector (YAML section <c>collector</c>).</summary>
public sealed class CollectorOptions
{
    /// <summary>gRPC endpoint, <c>https://collector.example:4317</c> (http:// only with <see cref="Insecure"/>).</summary>
    [ConfigurationKeyName("endpoint")]
    public string Endpoint { get; set; } = "https://localhost:4317";

    /// <summary>Allows a plain-text http:// endpoint (tests, loopback demos).</summary>
    [ConfigurationKeyName("insecure")]
    public bool Insecure { get; set; }

    /// <summary>PEM file of the CA that signed the collector's certificate; system roots when empty.</summary>
    [ConfigurationKeyName("ca_file")]
    public string? CaFile { get; set; }

    /// <summary>PEM client certificate for mutual TLS.</summary>
    [ConfigurationKeyName("client_cert_file")]
    public string? ClientCertFile { get; set; }

    /// <summary>PEM private key of <see cref="ClientCertFile"/>.</summary>
    [ConfigurationKeyName("client_key_file")]
    public string? ClientKeyFile { get; set; }

    /// <summary>Bearer token sent as <c>authorization: Bearer ...</c>.</summary>
    [ConfigurationKeyName("bearer_token")]
    public string? BearerToken { get; set; }

    /// <summary>File holding the bearer token (preferred over <see cref="BearerToken"/> in config files).</summary>
    [ConfigurationKeyName("bearer_token_file")]
    public string? BearerTokenFile { get; set; }

    /// <summary>gzip-compress requests.</summary>
    [ConfigurationKeyName("gzip")]
    public bool Gzip { get; set; } = true;

    /// <summary>Deadline of one Export attempt.</summary>
    [ConfigurationKeyName("timeout")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First retry delay; doubles up to <see cref="MaxBackoff"/>, with jitter.</summary>
    [ConfigurationKeyName("initial_backoff")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest retry delay; also the pace of retries for errors only an operator can fix
    /// (wrong token, wrong endpoint).</summary>
    [ConfigurationKeyName("max_backoff")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>At stop (SIGTERM, service stop), how long the agent waits for the collector to answer the
    /// exports in flight and the last batch. Then it cancels them and exits; what was not acknowledged is
    /// not checkpointed and is sent again after the restart.</summary>
    [ConfigurationKeyName("shutdown_timeout")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often the agent's own metrics (requests, host, self-telemetry) are exported.</summary>
    [ConfigurationKeyName("metrics_interval")]
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(10);
}
