using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Telemetry.Collector.Tests.Hosting;

/// <summary>A throwaway CA with a server certificate (localhost, 127.0.0.1, ::1) and a client certificate,
/// written as PEM files. (Private to these tests until TestKit/Certificates/TestCertificates is merged.)</summary>
public sealed class TestPki : IDisposable
{
    private TestPki(string dir, X509Certificate2 ca, X509Certificate2 server, X509Certificate2 client)
    {
        Ca = ca;
        Server = server;
        Client = client;
        CaFile = Path.Combine(dir, "ca.pem");
        ServerCertFile = Path.Combine(dir, "server.pem");
        ServerKeyFile = Path.Combine(dir, "server.key");
        ClientCertFile = Path.Combine(dir, "client.pem");
        ClientKeyFile = Path.Combine(dir, "client.key");
        File.WriteAllText(CaFile, ca.ExportCertificatePem());
        File.WriteAllText(ServerCertFile, server.ExportCertificatePem());
        File.WriteAllText(ServerKeyFile, server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(ClientCertFile, client.ExportCertificatePem());
        File.WriteAllText(ClientKeyFile, client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Client { get; }

    public string CaFile { get; }

    public string ServerCertFile { get; }

    public string ServerKeyFile { get; }

    public string ClientCertFile { get; }

    public string ClientKeyFile { get; }

    public static TestPki Create(string dir, string name = "Test")
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={name} CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        var server = Issue(ca, "CN=localhost", "1.3.6.1.5.5.7.3.1", san =>
        {
            san.AddDnsName("localhost");
            san.AddIpAddress(IPAddress.Loopback);
            san.AddIpAddress(IPAddress.IPv6Loopback);
        });
        var client = Issue(ca, $"CN={name} agent", "1.3.6.1.5.5.7.3.2", san => san.AddDnsName("agent.test"));
        return new TestPki(dir, ca, server, client);
    }

    /// <summary>The client certificate with its key, usable by SslStream.</summary>
    public X509Certificate2 ClientWithKey() =>
        X509CertificateLoader.LoadPkcs12(X509Certificate2.CreateFromPemFile(ClientCertFile, ClientKeyFile).Export(X509ContentType.Pkcs12), null);

    /// <summary>A handler that trusts only this CA for the server and optionally presents <paramref name="clientCertificate"/>.</summary>
    public SocketsHttpHandler Handler(X509Certificate2? clientCertificate = null)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(Ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return handler;
    }

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        Client.Dispose();
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, string eku, Action<SubjectAlternativeNameBuilder> san)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], false));
        var builder = new SubjectAlternativeNameBuilder();
        san(builder);
        request.CertificateExtensions.Add(builder.Build());
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(12);
        using var issued = request.Create(ca, now.AddDays(-1), now.AddDays(10), serial);
        return issued.CopyWithPrivateKey(key);
    }
}
