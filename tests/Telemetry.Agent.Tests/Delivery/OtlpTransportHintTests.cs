using System.Net.Sockets;
using System.Security.Authentication;
using Telemetry.Agent.Delivery;

namespace Telemetry.Agent.Tests.Delivery;

/// <summary>Which transport failures are configuration problems (logged as errors with a hint, retried at
/// max_backoff) and which are outages (transient), from the exception chains SocketsHttpHandler produces.</summary>
public sealed class OtlpTransportHintTests
{
    [Fact]
    public void Refused_tls_handshake_points_at_ca_file()
    {
        var error = new HttpRequestException("The SSL connection could not be established", new AuthenticationException("remote certificate is invalid"));

        Assert.Contains("collector.ca_file", OtlpGrpcLogExporter.TransportHint(error, tls: true), StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_closed_after_tls_handshake_points_at_the_client_certificate()
    {
        var error = new HttpRequestException(
            HttpRequestError.InvalidResponse,
            "An HTTP/2 connection could not be established because the server did not complete the HTTP/2 handshake.",
            new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely"));

        Assert.Contains("client_cert_file", OtlpGrpcLogExporter.TransportHint(error, tls: true), StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_stream_torn_down_during_the_http2_handshake_points_at_the_client_certificate()
    {
        var error = new HttpRequestException(
            "An error occurred while sending the request.",
            new IOException("An HTTP/2 connection could not be established", new ObjectDisposedException("System.Net.Security.SslStream")));

        Assert.Contains("client_cert_file", OtlpGrpcLogExporter.TransportHint(error, tls: true), StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_text_endpoint_that_does_not_speak_h2c_points_at_https()
    {
        var error = new HttpRequestException(HttpRequestError.InvalidResponse, "did not complete the HTTP/2 handshake");

        Assert.Contains("https://", OtlpGrpcLogExporter.TransportHint(error, tls: false), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Refused_or_reset_connection_is_an_outage_not_a_configuration_problem(bool tls)
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused));
        var reset = new HttpRequestException(HttpRequestError.ResponseEnded, "response ended", new HttpIOException(HttpRequestError.ResponseEnded, "ended"));
        var timedOut = new HttpRequestException("timeout", new TimeoutException());

        Assert.Null(OtlpGrpcLogExporter.TransportHint(refused, tls));
        Assert.Null(OtlpGrpcLogExporter.TransportHint(reset, tls));
        Assert.Null(OtlpGrpcLogExporter.TransportHint(timedOut, tls));
    }
}
