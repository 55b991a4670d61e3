using System.Buffers;

namespace Telemetry.Collector.Receiving;

/// <summary>A request body copied out of the transport into a pooled array; dispose to return it. A gRPC
/// message sent with its compressed flag is kept compressed (<see cref="IsGzip"/>) until it is authenticated.</summary>
public sealed class RequestPayload : IDisposable
{
    private byte[]? _array;

    private RequestPayload(byte[] array, int length, bool isGzip)
    {
        _array = array;
        Length = length;
        IsGzip = isGzip;
    }

    /// <summary>Bytes as received (compressed when <see cref="IsGzip"/>).</summary>
    public int Length { get; }

    /// <summary>Whether the bytes are a gzip member still to be inflated.</summary>
    public bool IsGzip { get; }

    public ReadOnlyMemory<byte> Memory => _array is { } a ? a.AsMemory(0, Length) : throw new ObjectDisposedException(nameof(RequestPayload));

    /// <summary>Copies a gRPC message; one that starts with <see cref="GzipPassThroughCompressionProvider.Marker"/>
    /// is the compressed message behind it.</summary>
    public static RequestPayload FromGrpcMessage(in ReadOnlySequence<byte> message)
    {
        // A compressed message is always Grpc.AspNetCore's single MemoryStream buffer, never an empty first segment.
        var isGzip = message.FirstSpan is { Length: > 0 } first && first[0] == GzipPassThroughCompressionProvider.Marker;
        var bytes = isGzip ? message.Slice(1) : message;
        var length = checked((int)bytes.Length);
        var array = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        bytes.CopyTo(array);
        return new RequestPayload(array, length, isGzip);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _array, null) is { } array)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
