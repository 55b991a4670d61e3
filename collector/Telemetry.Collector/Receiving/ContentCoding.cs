namespace Telemetry.Collector.Receiving;

/// <summary>The <c>Content-Encoding</c> values OTLP/HTTP accepts.</summary>
public enum ContentCoding
{
    Identity,
    Gzip,
    Deflate,
}
