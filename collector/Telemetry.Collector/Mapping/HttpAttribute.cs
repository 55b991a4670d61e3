namespace Telemetry.Collector.Mapping;

/// <summary>The semantic-convention attributes the <c>http_requests</c> mapping gives a place of their own.</summary>
internal enum HttpAttribute : byte
{
    None,
    Method,
    StatusCode,
    UrlPath,
    UrlQuery,
    ClientAddress,
    UserAgent,
    Referer,
    BodySize,
    Duration,
    ServerAddress,
}
