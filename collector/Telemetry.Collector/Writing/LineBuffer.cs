using System.Buffers;

namespace Telemetry.Collector.Writing;

/// <summary>
/// A growable byte buffer rented from an <see cref="ArrayPool{T}"/> (by default <see cref="ArrayPool{T}.Shared"/>) that can be rewound, so the
/// encoder can abandon a half-written point. Not thread-safe; dispose to return the array.
/// </summary>
public sealed class LineBuffer : IBufferWriter<byte>, IDisposable
{
    private readonly ArrayPool<byte> _pool;
    private byte[] _buffer;
    private int _length;

    public LineBuffer(int initialCapacity = 4096)
        : this(initialCapacity, ArrayPool<byte>.Shared)
    {
    }

    public LineBuffer(int initialCapacity, ArrayPool<byte> pool)
    {
        _pool = pool;
        _buffer = pool.Rent(Math.Max(initialCapacity, 256));
    }

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    /// <summary>Rewinds to <paramref name="length"/> bytes (which must not exceed <see cref="Length"/>).</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _length);
        _length = length;
    }

    public void Clear() => _length = 0;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _length += bytes.Length;
    }

    public void Write(byte b)
    {
        if (_length == _buffer.Length)
        {
            Grow(1);
        }

        _buffer[_length++] = b;
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_length + count > _buffer.Length)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }

        _length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return _buffer.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return _buffer.AsSpan(_length);
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            _pool.Return(buffer);
        }
    }

    private void EnsureCapacity(int sizeHint)
    {
        if (sizeHint < 1)
        {
            sizeHint = 1;
        }

        if (_buffer.Length - _length < sizeHint)
        {
            Grow(sizeHint);
        }
    }

    private void Grow(int sizeHint)
    {
        var newSize = Math.Max(_buffer.Length * 2, _length + sizeHint);
        var next = _pool.Rent(newSize);
        _buffer.AsSpan(0, _length).CopyTo(next);
        if (_buffer.Length > 0)
        {
            _pool.Return(_buffer);
        }

        _buffer = next;
    }
}
