namespace Telemetry.Agent.Delivery;

/// <summary>
/// An already-encoded OTLP request body, as it goes on the wire (gRPC's call API needs a reference type for
/// it). <see cref="Gzip"/>: the bytes are the gzip of the protobuf message, sent with the gRPC compressed
/// flag and <c>grpc-encoding: gzip</c>. Every attempt of an Export sends these same bytes.
/// </summary>
public sealed class OtlpEncodedRequest(ReadOnlyMemory<byte> bytes, bool gzip = false)
{
    public ReadOnlyMemory<byte> Bytes { get; } = bytes;

    public bool Gzip { get; } = gzip;
}
