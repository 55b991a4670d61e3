using System.Buffers;
using System.Buffers.Binary;

namespace Telemetry.Agent.Encoders;

/// <summary>
/// A growable byte buffer rented from an <see cref="ArrayPool{T}"/> (the shared one unless given) that writes
/// protobuf wire format (varints, tags, fixed64, length-delimited fields). Reused across records and batches;
/// return it with <see cref="Dispose"/>.
/// </summary>
public sealed class ProtoBuffer : IDisposable
{
    private readonly ArrayPool<byte> _pool;
    private byte[] _buffer;
    private int _length;

    public ProtoBuffer(int initialCapacity = 4096, ArrayPool<byte>? pool = null)
    {
        _pool = pool ?? ArrayPool<byte>.Shared;
        _buffer = _pool.Rent(initialCapacity);
    }

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public int Capacity => _buffer.Length;

    public void Clear() => _length = 0;

    /// <summary>Clears and gives a large buffer back to the pool, so an idle agent does not hold a peak-sized array.</summary>
    public void Reset(int keepCapacity)
    {
        _length = 0;
        if (_buffer.Length > keepCapacity)
        {
            _pool.Return(_buffer);
            _buffer = _pool.Rent(keepCapacity);
        }
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

    public Span<byte> GetSpan(int size)
    {
        if (_length + size > _buffer.Length)
        {
            Grow(size);
        }

        return _buffer.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _length += bytes.Length;
    }

    public void WriteVarint(ulong value)
    {
        var span = GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _length += i;
    }

    public void WriteTag(int field, WireType type) => WriteVarint(((uint)field << 3) | (uint)type);

    public void WriteFixed64(int field, ulong value)
    {
        WriteTag(field, WireType.Fixed64);
        BinaryPrimitives.WriteUInt64LittleEndian(GetSpan(8), value);
        _length += 8;
    }

    public void WriteDouble(int field, double value) => WriteFixed64(field, BitConverter.DoubleToUInt64Bits(value));

    public void WriteVarintField(int field, ulong value)
    {
        WriteTag(field, WireType.Varint);
        WriteVarint(value);
    }

    /// <summary>A length-delimited field (string, bytes, or an already-encoded message).</summary>
    public void WriteBytesField(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)value.Length);
        WriteRaw(value);
    }

    /// <summary>Tag and length of a length-delimited field whose <paramref name="length"/> bytes follow.</summary>
    public void WriteLengthPrefix(int field, int length)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)length);
    }

    /// <summary>Writable view of bytes already written (to fill a reserved header).</summary>
    public Span<byte> WritableSpan(int start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + length, _length);
        return _buffer.AsSpan(start, length);
    }

    /// <summary>Tag and length of a length-delimited field into <paramref name="destination"/> (at least 6
    /// bytes for a one-byte tag); returns the bytes written.</summary>
    public static int WriteLengthPrefix(Span<byte> destination, int field, int length)
    {
        destination[0] = (byte)(((uint)field << 3) | (uint)WireType.LengthDelimited);
        var i = 1;
        var value = (uint)length;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    public static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    /// <summary>Bytes a length-delimited field of <paramref name="length"/> bytes takes with a one-byte tag.</summary>
    public static int FieldSize(int length) => 1 + VarintSize((ulong)length) + length;

    private void Grow(int size)
    {
        var next = _pool.Rent(Math.Max(_buffer.Length * 2, _length + size));
        _buffer.AsSpan(0, _length).CopyTo(next);
        if (_buffer.Length > 0)
        {
            _pool.Return(_buffer);
        }

        _buffer = next;
    }
}

public enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}
