namespace Telemetry.Collector.Mapping;

/// <summary>Recognizes the attribute keys of <see cref="HttpAttribute"/> on their UTF-8 bytes.</summary>
internal static class HttpAttributeNames
{
    public static HttpAttribute Classify(ReadOnlySpan<byte> key) => key.Length switch
    {
        8 when key.SequenceEqual("url.path"u8) => HttpAttribute.UrlPath,
        9 when key.SequenceEqual("url.query"u8) => HttpAttribute.UrlQuery,
        14 when key.SequenceEqual("client.address"u8) => HttpAttribute.ClientAddress,
        14 when key.SequenceEqual("server.address"u8) => HttpAttribute.ServerAddress,
        19 when key.SequenceEqual("http.request.method"u8) => HttpAttribute.Method,
        19 when key.SequenceEqual("user_agent.original"u8) => HttpAttribute.UserAgent,
        23 when key.SequenceEqual("http.response.body.size"u8) => HttpAttribute.BodySize,
        25 when key.SequenceEqual("http.response.status_code"u8) => HttpAttribute.StatusCode,
        27 when key.SequenceEqual("http.request.header.referer"u8) => HttpAttribute.Referer,
        28 when key.SequenceEqual("http.server.request.duration"u8) => HttpAttribute.Duration,
        _ => HttpAttribute.None,
    };

    /// <summary>True when the value has the type the schema expects for that attribute; otherwise the
    /// attribute is written under its own name with its own type instead.</summary>
    public static bool HasExpectedType(HttpAttribute role, in OtlpValue value) => role switch
    {
        HttpAttribute.StatusCode or HttpAttribute.BodySize => value.Kind == OtlpValueKind.Int,
        HttpAttribute.Duration => value.Kind is OtlpValueKind.Double or OtlpValueKind.Int,
        HttpAttribute.None => false,
        _ => value.Kind == OtlpValueKind.String,
    };

    /// <summary>The methods kept as a <c>method</c> tag; anything else is <c>OTHER</c> (case-sensitive,
    /// as the HTTP semantic conventions say).</summary>
    public static bool IsKnownMethod(ReadOnlySpan<byte> method) => method.Length switch
    {
        3 => method.SequenceEqual("GET"u8) || method.SequenceEqual("PUT"u8),
        4 => method.SequenceEqual("HEAD"u8) || method.SequenceEqual("POST"u8),
        5 => method.SequenceEqual("TRACE"u8) || method.SequenceEqual("PATCH"u8),
        6 => method.SequenceEqual("DELETE"u8),
        7 => method.SequenceEqual("CONNECT"u8) || method.SequenceEqual("OPTIONS"u8),
        _ => false,
    };

    /// <summary>Field names the <c>http_requests</c> mapping writes itself; an attribute with one of these
    /// names is written as <c>&lt;name&gt;_attr</c>.</summary>
    public static bool IsReservedHttpField(ReadOnlySpan<byte> key) =>
        key.SequenceEqual("path"u8) || key.SequenceEqual("query"u8) || key.SequenceEqual("client"u8)
        || key.SequenceEqual("user_agent"u8) || key.SequenceEqual("referer"u8) || key.SequenceEqual("status_code"u8)
        || key.SequenceEqual("bytes"u8) || key.SequenceEqual("duration"u8) || key.SequenceEqual("method_original"u8);

    /// <summary>Field names the <c>logs</c> mapping writes itself.</summary>
    public static bool IsReservedLogField(ReadOnlySpan<byte> key) =>
        key.SequenceEqual("body"u8) || key.SequenceEqual("trace_id"u8) || key.SequenceEqual("span_id"u8)
        || key.SequenceEqual("event_name"u8);
}
