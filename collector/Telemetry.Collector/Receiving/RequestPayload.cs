using System.Buffers;

namespace Telemetry.Collector.Receiving;

/// <summary>A request body copied out of the transport into a pooled array; dispose to return it.</summary>
public sealed class RequestPayload : IDisposable
{
    private byte[]? _array;

    private RequestPayload(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _array is { } a ? a.AsMemory(0, Length) : throw new ObjectDisposedException(nameof(RequestPayload));

    public static RequestPayload Copy(in ReadOnlySequence<byte> bytes)
    {
        var length = checked((int)bytes.Length);
        var array = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        bytes.CopyTo(array);
        return new RequestPayload(array, length);
    }

    public static RequestPayload Copy(ReadOnlySpan<byte> bytes)
    {
        var array = ArrayPool<byte>.Shared.Rent(Math.Max(bytes.Length, 1));
        bytes.CopyTo(array);
        return new RequestPayload(array, bytes.Length);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _array, null) is { } array)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
