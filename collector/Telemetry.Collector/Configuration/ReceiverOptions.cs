using Microsoft.Extensions.Configuration;

namespace Telemetry.Collector.Configuration;

/// <summary>The OTLP listeners (YAML section <c>receiver</c>).</summary>
public sealed class ReceiverOptions
{
    public const string SectionName = "receiver";

    /// <summary>OTLP/gRPC listener, <c>host:port</c> (HTTP/2 only; h2c without TLS).</summary>
    [ConfigurationKeyName("grpc_endpoint")]
    public string GrpcEndpoint { get; set; } = "0.0.0.0:4317";

    /// <summary>OTLP/HTTP listener, <c>host:port</c> (HTTP/1.1 and HTTP/2); also serves /healthz and /readyz.</summary>
    [ConfigurationKeyName("http_endpoint")]
    public string HttpEndpoint { get; set; } = "0.0.0.0:4318";

    /// <summary>Largest request body accepted on the wire (compressed size), on both listeners.</summary>
    [ConfigurationKeyName("max_request_bytes")]
    public int MaxRequestBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Largest body after gzip/deflate decompression (OTLP/HTTP and gRPC message compression).</summary>
    [ConfigurationKeyName("max_decompressed_bytes")]
    public int MaxDecompressedBytes { get; set; } = 64 * 1024 * 1024;

    [ConfigurationKeyName("tls")]
    public ReceiverTlsOptions Tls { get; set; } = new();

    [ConfigurationKeyName("auth")]
    public ReceiverAuthOptions Auth { get; set; } = new();
}

/// <summary>TLS of both listeners (<c>receiver.tls</c>). Off when <see cref="CertFile"/> is empty.</summary>
public sealed class ReceiverTlsOptions
{
    /// <summary>PEM certificate (chain) presented to clients.</summary>
    [ConfigurationKeyName("cert_file")]
    public string? CertFile { get; set; }

    /// <summary>PEM private key of <see cref="CertFile"/>.</summary>
    [ConfigurationKeyName("key_file")]
    public string? KeyFile { get; set; }

    /// <summary>PEM CA certificate(s) that client certificates must chain to (only these are trusted).</summary>
    [ConfigurationKeyName("client_ca_file")]
    public string? ClientCaFile { get; set; }

    /// <summary>Refuse connections without a client certificate (mutual TLS). Needs <see cref="ClientCaFile"/>.</summary>
    [ConfigurationKeyName("require_client_certificate")]
    public bool RequireClientCertificate { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertFile);
}

/// <summary>Bearer-token authentication (<c>receiver.auth</c>). Off when no token is configured.</summary>
public sealed class ReceiverAuthOptions
{
    /// <summary>Accepted tokens (several allow rotation without downtime).</summary>
    [ConfigurationKeyName("bearer_tokens")]
    public List<string> BearerTokens { get; set; } = [];

    /// <summary>File with one accepted token per line (blank lines and lines starting with # ignored).</summary>
    [ConfigurationKeyName("bearer_token_file")]
    public string? BearerTokenFile { get; set; }
}
