namespace Telemetry.Agent.Delivery;

/// <summary>An already-encoded OTLP request body (gRPC's call API needs a reference type for it).</summary>
public sealed class OtlpEncodedRequest(ReadOnlyMemory<byte> bytes)
{
    public ReadOnlyMemory<byte> Bytes { get; } = bytes;
}
