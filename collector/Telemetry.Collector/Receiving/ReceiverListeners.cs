using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using Telemetry.Collector.Configuration;

namespace Telemetry.Collector.Receiving;

/// <summary>Kestrel's two listeners: <c>receiver.grpc_endpoint</c> (HTTP/2 only, h2c without TLS) and
/// <c>receiver.http_endpoint</c> (HTTP/1.1 and HTTP/2), both with the same TLS settings.</summary>
public static class ReceiverListeners
{
    public static void Configure(KestrelServerOptions kestrel, ReceiverOptions options, ServerCertificates? certificates, ILoggerFactory loggerFactory)
    {
        kestrel.AddServerHeader = false;
        // OTLP/HTTP bodies are capped by RequestBodyReader and gRPC messages by MaxReceiveMessageSize, each
        // with the proper answer; this Kestrel limit is only the backstop (framing overhead included).
        kestrel.Limits.MaxRequestBodySize = (long)options.MaxRequestBytes + (64 * 1024);
        ListenEndpoint.TryParse(options.GrpcEndpoint, out var grpc);
        ListenEndpoint.TryParse(options.HttpEndpoint, out var http);
        var logger = loggerFactory.CreateLogger(typeof(ReceiverListeners));
        Listen(kestrel, grpc, HttpProtocols.Http2, certificates, options.Tls, logger);
        Listen(kestrel, http, certificates is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2, certificates, options.Tls, logger);
    }

    private static void Listen(KestrelServerOptions kestrel, ListenEndpoint endpoint, HttpProtocols protocols,
        ServerCertificates? certificates, ReceiverTlsOptions tls, ILogger logger)
    {
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            if (certificates is not null)
            {
                listen.UseHttps(https => ConfigureHttps(https, certificates, tls, logger));
            }
        }

        if (endpoint.Localhost)
        {
            kestrel.ListenLocalhost(endpoint.Port, Configure);
        }
        else if (endpoint.Address!.Equals(IPAddress.IPv6Any))
        {
            kestrel.ListenAnyIP(endpoint.Port, Configure);
        }
        else
        {
            kestrel.Listen(endpoint.Address, endpoint.Port, Configure);
        }
    }

    private static void ConfigureHttps(HttpsConnectionAdapterOptions https, ServerCertificates certificates, ReceiverTlsOptions tls, ILogger logger)
    {
        https.ServerCertificate = certificates.Certificate;
        if (certificates.Chain.Count > 0)
        {
            https.ServerCertificateChain = certificates.Chain;
        }

        https.SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
        if (certificates.ClientCas is null)
        {
            https.ClientCertificateMode = ClientCertificateMode.NoCertificate;
            return;
        }

        https.ClientCertificateMode = tls.RequireClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.AllowCertificate;
        https.ClientCertificateValidation = (certificate, _, _) =>
        {
            if (certificates.IsTrustedClient(certificate, out var reason))
            {
                return true;
            }

            logger.ClientCertificateRefused(certificate.Subject + ": " + reason);
            return false;
        };
    }
}
