namespace Telemetry.Agent.Parsing;

/// <summary>The attributes a request line (or a target, or a protocol) is split into, allocated once per format.</summary>
internal sealed class RequestKeys
{
    public AttributeKey? Method { get; init; }

    public AttributeKey? Path { get; init; }

    public AttributeKey? Query { get; init; }

    public AttributeKey? Full { get; init; }

    public AttributeKey? ProtocolName { get; init; }

    public AttributeKey? ProtocolVersion { get; init; }

    /// <summary>Where the text goes whole when it is not of the expected shape (<c>apache.request_line</c>).</summary>
    public required AttributeKey Raw { get; init; }

    /// <summary>Keys for a full request line: method, path, query, protocol; <paramref name="rawName"/> for the rest.</summary>
    public static RequestKeys ForRequestLine(KeyAllocator keys, string prefix, string rawName) => new()
    {
        Method = keys.Take(AttributeKeys.Method.Name, prefix + "method"),
        Path = keys.Take(AttributeKeys.UrlPath.Name, prefix + "path"),
        Query = keys.Take(AttributeKeys.UrlQuery.Name, prefix + "query"),
        Full = keys.Take(AttributeKeys.UrlFull.Name, prefix + "url"),
        ProtocolName = keys.Take(AttributeKeys.ProtocolName.Name, prefix + "protocol_name"),
        ProtocolVersion = keys.Take(AttributeKeys.ProtocolVersion.Name, prefix + "protocol_version"),
        Raw = keys.Take(rawName),
    };

    public static RequestKeys ForTarget(KeyAllocator keys, string prefix, string rawName) => new()
    {
        Path = keys.Take(AttributeKeys.UrlPath.Name, prefix + "path"),
        Query = keys.Take(AttributeKeys.UrlQuery.Name, prefix + "query"),
        Full = keys.Take(AttributeKeys.UrlFull.Name, prefix + "url"),
        Raw = keys.Take(rawName),
    };

    public static RequestKeys ForProtocol(KeyAllocator keys, string prefix, string rawName) => new()
    {
        ProtocolName = keys.Take(AttributeKeys.ProtocolName.Name, prefix + "protocol_name"),
        ProtocolVersion = keys.Take(AttributeKeys.ProtocolVersion.Name, prefix + "protocol_version"),
        Raw = keys.Take(rawName),
    };
}
