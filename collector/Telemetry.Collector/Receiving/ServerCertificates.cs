using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Telemetry.Collector.Configuration;

namespace Telemetry.Collector.Receiving;

/// <summary>The listeners' TLS material, loaded once at start from PEM files (<c>receiver.tls</c>). A file
/// that cannot be used is a <see cref="ConfigurationErrorException"/> naming its key.</summary>
public sealed class ServerCertificates
{
    private ServerCertificates(X509Certificate2 certificate, X509Certificate2Collection chain, X509Certificate2Collection? clientCas)
    {
        Certificate = certificate;
        Chain = chain;
        ClientCas = clientCas;
    }

    /// <summary>The server certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Intermediate certificates found after the leaf in <c>cert_file</c>.</summary>
    public X509Certificate2Collection Chain { get; }

    /// <summary>The only roots client certificates may chain to; null when client certificates are not checked.</summary>
    public X509Certificate2Collection? ClientCas { get; }

    public static ServerCertificates? Load(ReceiverTlsOptions tls)
    {
        if (!tls.Enabled)
        {
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(tls.CertFile!, tls.KeyFile);
            // Re-import so the key is usable by SslStream on every platform (Windows needs a persisted key).
            certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException e)
        {
            throw new ConfigurationErrorException("receiver.tls.cert_file",
                $"cannot load certificate '{tls.CertFile}' with key '{tls.KeyFile}': {OneLine(e.Message)}", e);
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationErrorException("receiver.tls.cert_file",
                $"cannot load certificate '{tls.CertFile}' with key '{tls.KeyFile}': {OneLine(e.Message)}", e);
        }

        var chain = new X509Certificate2Collection();
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(tls.CertFile!);
        for (var i = 1; i < all.Count; i++)
        {
            chain.Add(all[i]);
        }

        X509Certificate2Collection? clientCas = null;
        if (!string.IsNullOrWhiteSpace(tls.ClientCaFile))
        {
            clientCas = new X509Certificate2Collection();
            try
            {
                clientCas.ImportFromPemFile(tls.ClientCaFile);
            }
            catch (CryptographicException e)
            {
                throw new ConfigurationErrorException("receiver.tls.client_ca_file", $"cannot load '{tls.ClientCaFile}': {OneLine(e.Message)}", e);
            }

            if (clientCas.Count == 0)
            {
                throw new ConfigurationErrorException("receiver.tls.client_ca_file", $"'{tls.ClientCaFile}' holds no PEM certificate");
            }
        }

        return new ServerCertificates(certificate, chain, clientCas);
    }

    /// <summary>True when <paramref name="client"/> chains to one of <see cref="ClientCas"/> (and only those),
    /// is valid now and is meant for client authentication.</summary>
    public bool IsTrustedClient(X509Certificate2 client, out string reason)
    {
        if (ClientCas is null)
        {
            reason = "no client_ca_file";
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ClientCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        if (chain.Build(client))
        {
            reason = string.Empty;
            return true;
        }

        reason = chain.ChainStatus.Length > 0 ? chain.ChainStatus[0].StatusInformation.Trim() : "untrusted chain";
        return false;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
