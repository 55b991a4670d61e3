using System.Buffers.Binary;

namespace Telemetry.Collector.Mapping;

/// <summary>
/// Reads protobuf wire format from one message's bytes, <c>[start, end)</c> of a larger span, without
/// allocating. Positions are absolute offsets in the whole request, so a nested message is read by a new
/// reader over the same span and error messages can name the byte where decoding failed. Malformed input
/// (truncated varint, over-long varint, length past the end of the enclosing message, field number 0,
/// wire types 6/7, unbalanced groups) is a result, not an exception: every method returns false and sets
/// <see cref="Error"/>.
/// </summary>
internal ref struct ProtoReader
{
    private const int MaxGroupDepth = 32;

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _end;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> data)
        : this(data, 0, data.Length)
    {
    }

    public ProtoReader(ReadOnlySpan<byte> data, int start, int end)
    {
        _data = data;
        _position = start;
        _end = end;
        Error = null;
        ErrorPosition = 0;
    }

    /// <summary>Why the last call returned false; null while everything decoded.</summary>
    public string? Error { get; private set; }

    /// <summary>Absolute offset at which <see cref="Error"/> was detected.</summary>
    public int ErrorPosition { get; private set; }

    public readonly int Position => _position;

    public readonly bool AtEnd => _position >= _end;

    /// <summary>Reads the next field tag. Returns false at the end of the message (with <see cref="Error"/>
    /// null) or on a malformed tag (with <see cref="Error"/> set).</summary>
    public bool TryReadTag(out int field, out WireType wireType)
    {
        field = 0;
        wireType = WireType.Varint;
        if (_position >= _end)
        {
            return false;
        }

        var at = _position;
        if (!TryReadVarint(out var tag))
        {
            return false;
        }

        var type = (int)(tag & 7);
        var number = tag >> 3;
        if (number == 0 || number > 536_870_911)
        {
            return Fail("invalid field number " + number.ToString(System.Globalization.CultureInfo.InvariantCulture), at);
        }

        if (type is 6 or 7)
        {
            return Fail("invalid wire type " + type.ToString(System.Globalization.CultureInfo.InvariantCulture), at);
        }

        field = (int)number;
        wireType = (WireType)type;
        return true;
    }

    public bool TryReadVarint(out ulong value)
    {
        // Tags, lengths and small integers are one byte: the common case takes no loop.
        if (_position < _end)
        {
            var first = _data[_position];
            if (first < 0x80)
            {
                _position++;
                value = first;
                return true;
            }
        }

        value = 0;
        var shift = 0;
        var start = _position;
        for (var i = 0; i < 10; i++)
        {
            if (_position >= _end)
            {
                return Fail("truncated varint", start);
            }

            var b = _data[_position++];
            if (i == 9 && b > 1)
            {
                return Fail("varint longer than 64 bits", start);
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }

            shift += 7;
        }

        return Fail("varint longer than 10 bytes", start);
    }

    public bool TryReadFixed64(out ulong value)
    {
        if (_end - _position < 8)
        {
            value = 0;
            return Fail("truncated fixed64", _position);
        }

        value = BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_position, 8));
        _position += 8;
        return true;
    }

    public bool TryReadFixed32(out uint value)
    {
        if (_end - _position < 4)
        {
            value = 0;
            return Fail("truncated fixed32", _position);
        }

        value = BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(_position, 4));
        _position += 4;
        return true;
    }

    public bool TryReadDouble(out double value)
    {
        var ok = TryReadFixed64(out var bits);
        value = BitConverter.UInt64BitsToDouble(bits);
        return ok;
    }

    /// <summary>Reads a length prefix and returns the absolute range of the payload, which lies wholly
    /// inside this message.</summary>
    public bool TryReadLengthDelimited(out int start, out int length)
    {
        start = 0;
        length = 0;
        var at = _position;
        if (!TryReadVarint(out var len))
        {
            return false;
        }

        if (len > (ulong)(_end - _position))
        {
            return Fail("length " + len.ToString(System.Globalization.CultureInfo.InvariantCulture) + " runs past the end of the enclosing message", at);
        }

        start = _position;
        length = (int)len;
        _position += length;
        return true;
    }

    /// <summary>Moves to the next occurrence of the length-delimited (message, string or bytes) field
    /// <paramref name="field"/> of this message, skipping every other field, and returns the range of its
    /// payload. Returns false at the end of the message (<see cref="Error"/> null), or on malformed bytes or
    /// when that field arrives with another wire type (<see cref="Error"/> set).</summary>
    public bool TryReadNext(int field, out int start, out int length)
    {
        start = 0;
        length = 0;
        while (TryReadTag(out var number, out var wireType))
        {
            if (number != field)
            {
                if (!TrySkip(number, wireType))
                {
                    return false;
                }

                continue;
            }

            return wireType == WireType.LengthDelimited
                ? TryReadLengthDelimited(out start, out length)
                : FailWireType(number, wireType, WireType.LengthDelimited);
        }

        return false;
    }

    /// <summary>Skips the value of a field of any wire type (groups included, nested up to 32 deep).</summary>
    public bool TrySkip(int field, WireType wireType) => TrySkip(field, wireType, 0);

    /// <summary>Fails with a message naming a known field that arrived with the wrong wire type.</summary>
    public bool FailWireType(int field, WireType actual, WireType expected) =>
        Fail(
            "field " + field.ToString(System.Globalization.CultureInfo.InvariantCulture) + " has wire type "
            + ((int)actual).ToString(System.Globalization.CultureInfo.InvariantCulture) + ", expected "
            + ((int)expected).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _position);

    /// <summary>Takes over the error of a reader of a nested message, so the caller reports it.</summary>
    public bool Adopt(string error, int position) => Fail(error, position);

    private bool TrySkip(int field, WireType wireType, int depth)
    {
        switch (wireType)
        {
            case WireType.Varint:
                return TryReadVarint(out _);
            case WireType.Fixed64:
                return TryReadFixed64(out _);
            case WireType.Fixed32:
                return TryReadFixed32(out _);
            case WireType.LengthDelimited:
                return TryReadLengthDelimited(out _, out _);
            case WireType.StartGroup:
                if (depth >= MaxGroupDepth)
                {
                    return Fail("groups nested deeper than 32", _position);
                }

                while (true)
                {
                    if (_position >= _end)
                    {
                        return Fail("unterminated group", _position);
                    }

                    if (!TryReadTag(out var inner, out var innerType))
                    {
                        return false;
                    }

                    if (innerType == WireType.EndGroup)
                    {
                        return inner == field || Fail("mismatched end group", _position);
                    }

                    if (!TrySkip(inner, innerType, depth + 1))
                    {
                        return false;
                    }
                }

            default:
                return Fail("unexpected end group", _position);
        }
    }

    private bool Fail(string message, int position)
    {
        if (Error is null)
        {
            Error = message;
            ErrorPosition = position;
        }

        return false;
    }
}
