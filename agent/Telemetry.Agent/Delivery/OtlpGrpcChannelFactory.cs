using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Telemetry.Agent.Configuration;

namespace Telemetry.Agent.Delivery;

/// <summary>
/// Builds the HTTP/2 connection to the collector, shared by log exports (<see cref="OtlpHttpCallInvoker"/>) and metric exports
/// (the OpenTelemetry SDK's HttpClient):
/// <list type="bullet">
/// <item><c>https://</c>: TLS 1.2/1.3. With <c>ca_file</c> the collector's certificate must chain to a
/// certificate of that file and nothing else (system roots are not consulted); without it, the system
/// store. The host name must match in both cases.</item>
/// <item><c>client_cert_file</c>/<c>client_key_file</c>: the client certificate presented for mutual TLS
/// (intermediates found after the leaf in the certificate file are sent along).</item>
/// <item><c>http://</c> (only with <c>insecure: true</c>): HTTP/2 with prior knowledge (h2c).</item>
/// <item>Keep-alive pings find a dead connection within ~40 s even when idle; connections are recycled
/// every 5 minutes so agents spread over the collectors behind a load balancer.</item>
/// </list>
/// Certificates are read once, when the agent starts.
/// </summary>
public static class OtlpGrpcChannelFactory
{
    /// <summary>Idle time after which a ping checks the connection.</summary>
    public static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(30);

    /// <summary>How long a ping may go unanswered before the connection is dropped.</summary>
    public static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Lifetime of a connection before it is replaced (rebalancing across collectors).</summary>
    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(5);

    private const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>The transport: TLS settings, keep-alive, connect timeout. The caller owns it.</summary>
    public static SocketsHttpHandler CreateHandler(CollectorOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.Timeout,
            KeepAlivePingDelay = KeepAlivePingDelay,
            KeepAlivePingTimeout = KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = ConnectionLifetime,
            EnableMultipleHttp2Connections = true,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
        };

        if (IsTls(options))
        {
            handler.SslOptions = CreateSslOptions(options);
        }

        return handler;
    }

    /// <summary>The handler chain: bearer token (and h2c pinning) over <see cref="CreateHandler"/>.</summary>
    public static HttpMessageHandler CreateHandlerChain(CollectorOptions options, OtlpBearerToken token) =>
        new OtlpBearerTokenHandler(token, plainText: !IsTls(options), CreateHandler(options));

    public static bool IsTls(CollectorOptions options) =>
        options.Endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    private static SslClientAuthenticationOptions CreateSslOptions(CollectorOptions options)
    {
        var ssl = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };

        if (options.CaFile is { Length: > 0 } caFile)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            if (roots.Count == 0)
            {
                throw new InvalidOperationException($"collector.ca_file: '{caFile}' holds no PEM certificate");
            }

            ssl.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                IsTrustedByCa(roots, certificate, chain, errors);
        }

        if (options.ClientCertFile is { Length: > 0 } certFile && options.ClientKeyFile is { Length: > 0 } keyFile)
        {
            ssl.ClientCertificateContext = LoadClientCertificate(certFile, keyFile);
        }

        return ssl;
    }

    /// <summary>
    /// Trust decision with <c>ca_file</c> as the only root: the host name must match (checked by SslStream),
    /// and the certificate must chain to one of <paramref name="roots"/> for server authentication.
    /// </summary>
    internal static bool IsTrustedByCa(
        X509Certificate2Collection roots,
        X509Certificate? certificate,
        X509Chain? presentedChain,
        SslPolicyErrors errors)
    {
        if (certificate is null
            || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(ServerAuthenticationOid));
        if (presentedChain is not null)
        {
            // Intermediates the server sent; the trust anchor still has to come from the custom store.
            for (var i = 1; i < presentedChain.ChainElements.Count; i++)
            {
                chain.ChainPolicy.ExtraStore.Add(presentedChain.ChainElements[i].Certificate);
            }
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        try
        {
            return chain.Build(leaf);
        }
        finally
        {
            if (!ReferenceEquals(leaf, certificate))
            {
                leaf.Dispose();
            }
        }
    }

    private static SslStreamCertificateContext LoadClientCertificate(string certFile, string keyFile)
    {
        var certificate = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        if (OperatingSystem.IsWindows())
        {
            // SChannel cannot use the ephemeral key of a PEM import; a PKCS#12 round trip persists it.
            var exported = certificate.Export(X509ContentType.Pkcs12);
            certificate.Dispose();
            certificate = X509CertificateLoader.LoadPkcs12(exported, password: null);
        }

        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(certFile);
        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < all.Count; i++)
        {
            intermediates.Add(all[i]);
        }

        return SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
    }
}
