using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Telemetry.TestKit.Certificates;

/// <summary>
/// A throwaway certificate authority (ECDSA P-256) that issues server and client certificates for tests.
/// Nothing touches the machine's certificate stores.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    public TestCertificateAuthority(string commonName = "Telemetry Test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        Certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
    }

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A server certificate for <paramref name="dnsNames"/> (and 127.0.0.1, ::1 when <paramref name="loopbackAddresses"/>).</summary>
    public X509Certificate2 IssueServer(IEnumerable<string> dnsNames, bool loopbackAddresses = true)
    {
        var names = new SubjectAlternativeNameBuilder();
        string? first = null;
        foreach (var name in dnsNames)
        {
            first ??= name;
            names.AddDnsName(name);
        }

        if (loopbackAddresses)
        {
            names.AddIpAddress(IPAddress.Loopback);
            names.AddIpAddress(IPAddress.IPv6Loopback);
        }

        return Issue($"CN={first ?? "localhost"}", ServerAuthOid, names.Build());
    }

    /// <summary>A client certificate (clientAuth) with subject <c>CN=<paramref name="commonName"/></c>.</summary>
    public X509Certificate2 IssueClient(string commonName)
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(commonName);
        return Issue($"CN={commonName}", ClientAuthOid, names.Build());
    }

    public void Dispose() => Certificate.Dispose();

    private X509Certificate2 Issue(string subject, string usageOid, X509Extension subjectAlternativeNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usageOid)], false));
        request.CertificateExtensions.Add(subjectAlternativeNames);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var now = DateTimeOffset.UtcNow;
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var issued = request.Create(Certificate, now.AddDays(-1), now.AddDays(7), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        // Round trip through PKCS#12 so the key is usable by SslStream/Kestrel on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }
}
