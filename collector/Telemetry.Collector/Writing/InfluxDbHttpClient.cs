using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Telemetry.Collector.Configuration;

namespace Telemetry.Collector.Writing;

/// <summary>The one <see cref="HttpClient"/> that talks to InfluxDB: pooled connections sized for
/// <c>max_concurrent_requests</c>, automatic gzip answers, and <c>ca_file</c> trust for https.</summary>
public sealed class InfluxDbHttpClient : IDisposable
{
    private readonly X509Certificate2Collection? _roots;

    public InfluxDbHttpClient(IOptions<InfluxDbOptions> options)
    {
        var o = options.Value;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = o.MaxConcurrentRequests + 1,
            ConnectTimeout = o.Timeout,
            AutomaticDecompression = System.Net.DecompressionMethods.GZip,
        };
        if (!string.IsNullOrEmpty(o.CaFile))
        {
            _roots = [];
            _roots.ImportFromPemFile(o.CaFile);
            handler.SslOptions.RemoteCertificateValidationCallback = ValidateWithCustomRoots;
        }

        // Timeouts are per attempt, enforced by the writer with the TimeProvider.
        Client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public HttpClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        if (_roots is not null)
        {
            foreach (var root in _roots)
            {
                root.Dispose();
            }
        }
    }

    private bool ValidateWithCustomRoots(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots!);
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = new X509Certificate2(certificate);
        return custom.Build(leaf);
    }
}
