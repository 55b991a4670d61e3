namespace Telemetry.Agent.Parsing;

/// <summary>OpenTelemetry semantic-convention attribute names the parsers emit, created once.</summary>
internal static class AttributeKeys
{
    public static readonly AttributeKey ClientAddress = new("client.address");
    public static readonly AttributeKey ClientPort = new("client.port");
    public static readonly AttributeKey UserName = new("user.name");
    public static readonly AttributeKey Method = new("http.request.method");
    public static readonly AttributeKey UrlPath = new("url.path");
    public static readonly AttributeKey UrlQuery = new("url.query");
    public static readonly AttributeKey UrlFull = new("url.full");
    public static readonly AttributeKey UrlScheme = new("url.scheme");
    public static readonly AttributeKey ProtocolName = new("network.protocol.name");
    public static readonly AttributeKey ProtocolVersion = new("network.protocol.version");
    public static readonly AttributeKey StatusCode = new("http.response.status_code");
    public static readonly AttributeKey ResponseBodySize = new("http.response.body.size");
    public static readonly AttributeKey ResponseSize = new("http.response.size");
    public static readonly AttributeKey RequestSize = new("http.request.size");
    public static readonly AttributeKey RequestBodySize = new("http.request.body.size");
    public static readonly AttributeKey UserAgent = new("user_agent.original");
    public static readonly AttributeKey Referer = new("http.request.header.referer");
    public static readonly AttributeKey ServerAddress = new("server.address");
    public static readonly AttributeKey ServerPort = new("server.port");
    public static readonly AttributeKey Duration = new("http.server.request.duration");
    public static readonly AttributeKey LocalAddress = new("network.local.address");
    public static readonly AttributeKey PeerAddress = new("network.peer.address");

    /// <summary>The attribute a request header maps to: referer and user agent have their own names.</summary>
    public static string ForRequestHeader(string headerName)
    {
        var lower = headerName.ToLowerInvariant();
        return lower switch
        {
            "user-agent" => UserAgent.Name,
            _ => "http.request.header." + lower,
        };
    }

    public static string ForResponseHeader(string headerName) => "http.response.header." + headerName.ToLowerInvariant();
}
