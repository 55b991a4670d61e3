using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Telemetry.TestKit.Certificates;

/// <summary>
/// A test PKI written as PEM files into a temp directory: a CA, a server certificate for
/// localhost/127.0.0.1/::1 and a client certificate, all issued by that CA. The in-memory certificates
/// (with private keys) are there for servers configured in code (Kestrel).
/// <code>
/// using var pki = TestCertificates.Create();
/// collector: { endpoint: https://localhost:port, ca_file: pki.CaFile, client_cert_file: pki.ClientCertFile, ... }
/// </code>
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly TempDirectory _directory;

    private TestCertificates(string name)
    {
        _directory = new TempDirectory("telemetry-pki");
        Authority = new TestCertificateAuthority($"{name} CA");
        Server = Authority.IssueServer(["localhost"]);
        Client = Authority.IssueClient($"{name}-agent");

        CaFile = Write("ca.pem", Authority.Certificate.ExportCertificatePem());
        ServerCertFile = Write("server.pem", Server.ExportCertificatePem());
        ServerKeyFile = Write("server.key", PrivateKeyPem(Server));
        ClientCertFile = Write("client.pem", Client.ExportCertificatePem());
        ClientKeyFile = Write("client.key", PrivateKeyPem(Client));
    }

    public TestCertificateAuthority Authority { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Client { get; }

    public string Directory => _directory.Path;

    public string CaFile { get; }

    public string ServerCertFile { get; }

    public string ServerKeyFile { get; }

    public string ClientCertFile { get; }

    public string ClientKeyFile { get; }

    /// <summary>A fresh PKI; <paramref name="name"/> tells two PKIs apart in certificate subjects.</summary>
    public static TestCertificates Create(string name = "telemetry-test") => new(name);

    /// <summary>Writes <paramref name="pem"/> to a file of this PKI's directory and returns its path.</summary>
    public string Write(string fileName, string pem)
    {
        var path = _directory.Combine(fileName);
        File.WriteAllText(path, pem);
        return path;
    }

    public void Dispose()
    {
        Server.Dispose();
        Client.Dispose();
        Authority.Dispose();
        _directory.Dispose();
    }

    private static string PrivateKeyPem(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException("certificate has no ECDSA private key");
        return key.ExportPkcs8PrivateKeyPem();
    }
}
