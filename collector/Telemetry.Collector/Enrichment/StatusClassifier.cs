namespace Telemetry.Collector.Enrichment;

/// <summary>Maps an HTTP status code to its class tag: <c>1xx</c> to <c>5xx</c>, and <c>other</c> for any
/// code outside 100-599 (0 from aborted requests, 999 from some proxies, negative garbage).</summary>
public static class StatusClassifier
{
    private static readonly byte[][] Classes =
    [
        "1xx"u8.ToArray(),
        "2xx"u8.ToArray(),
        "3xx"u8.ToArray(),
        "4xx"u8.ToArray(),
        "5xx"u8.ToArray(),
    ];

    private static readonly byte[] Other = "other"u8.ToArray();

    public static ReadOnlySpan<byte> Classify(long statusCode) =>
        statusCode is >= 100 and <= 599 ? Classes[(int)(statusCode / 100) - 1] : Other;
}
