using System.Net;

namespace Telemetry.Agent.Delivery;

/// <summary>
/// Puts the current bearer token on every request to the collector (log exports through the gRPC channel
/// and the SDK's metric exports alike), and, for a plain-text endpoint, pins HTTP/2 with prior knowledge
/// (h2c) so that no request falls back to HTTP/1.1, which gRPC cannot use.
/// </summary>
public sealed class OtlpBearerTokenHandler : DelegatingHandler
{
    private readonly OtlpBearerToken _token;
    private readonly bool _plainText;

    public OtlpBearerTokenHandler(OtlpBearerToken token, bool plainText, HttpMessageHandler inner)
        : base(inner)
    {
        _token = token;
        _plainText = plainText;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Prepare(request);
        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Prepare(request);
        return base.Send(request, cancellationToken);
    }

    private void Prepare(HttpRequestMessage request)
    {
        if (_token.HeaderValue() is { } value)
        {
            request.Headers.Remove("authorization");
            request.Headers.TryAddWithoutValidation("authorization", value);
        }

        if (_plainText)
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
    }
}
