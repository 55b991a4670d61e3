using System.Buffers.Binary;

namespace Telemetry.Collector.Mapping;

/// <summary>Which member of an OTLP <c>AnyValue</c> oneof was set.</summary>
internal enum OtlpValueKind : byte
{
    None,
    String,
    Bool,
    Int,
    Double,
    Array,
    KeyValueList,
    Bytes,
}

/// <summary>
/// An OTLP <c>AnyValue</c> decoded in place: scalars are held by value, strings, bytes, arrays and
/// key-value lists by their absolute byte range in the request (nothing is copied).
/// </summary>
internal struct OtlpValue
{
    public OtlpValueKind Kind;
    public int Start;
    public int Length;
    public long Int;
    public double Double;

    public readonly bool Bool => Int != 0;

    public readonly ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> request) => request.Slice(Start, Length);

    /// <summary>Decodes the <c>AnyValue</c> message at <c>[start, start+length)</c>. The last member of the
    /// oneof on the wire wins, as protobuf specifies.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> request, int start, int length, out OtlpValue value, ref ProtoReader errorSink)
    {
        value = default;
        var reader = new ProtoReader(request, start, start + length);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1 or 5 or 6 or 7:
                    if (wireType != WireType.LengthDelimited)
                    {
                        reader.FailWireType(field, wireType, WireType.LengthDelimited);
                        return Propagate(ref reader, ref errorSink);
                    }

                    if (!reader.TryReadLengthDelimited(out var s, out var l))
                    {
                        return Propagate(ref reader, ref errorSink);
                    }

                    value = default;
                    value.Kind = field switch
                    {
                        1 => OtlpValueKind.String,
                        5 => OtlpValueKind.Array,
                        6 => OtlpValueKind.KeyValueList,
                        _ => OtlpValueKind.Bytes,
                    };
                    value.Start = s;
                    value.Length = l;
                    break;
                case 2 or 3:
                    if (wireType != WireType.Varint)
                    {
                        reader.FailWireType(field, wireType, WireType.Varint);
                        return Propagate(ref reader, ref errorSink);
                    }

                    if (!reader.TryReadVarint(out var v))
                    {
                        return Propagate(ref reader, ref errorSink);
                    }

                    value = default;
                    value.Kind = field == 2 ? OtlpValueKind.Bool : OtlpValueKind.Int;
                    value.Int = field == 2 ? (v != 0 ? 1 : 0) : unchecked((long)v);
                    break;
                case 4:
                    if (wireType != WireType.Fixed64)
                    {
                        reader.FailWireType(field, wireType, WireType.Fixed64);
                        return Propagate(ref reader, ref errorSink);
                    }

                    if (!reader.TryReadDouble(out var d))
                    {
                        return Propagate(ref reader, ref errorSink);
                    }

                    value = default;
                    value.Kind = OtlpValueKind.Double;
                    value.Double = d;
                    break;
                default:
                    if (!reader.TrySkip(field, wireType))
                    {
                        return Propagate(ref reader, ref errorSink);
                    }

                    break;
            }
        }

        return reader.Error is null || Propagate(ref reader, ref errorSink);
    }

    /// <summary>Decodes a <c>KeyValue</c> message: its key's range and its value.</summary>
    public static bool TryDecodeKeyValue(ReadOnlySpan<byte> request, int start, int length, out int keyStart, out int keyLength, out OtlpValue value, ref ProtoReader errorSink)
    {
        if (TryDecodeCommonKeyValue(request, start, length, out keyStart, out keyLength, out value))
        {
            return true;
        }

        keyStart = start;
        keyLength = 0;
        value = default;
        var reader = new ProtoReader(request, start, start + length);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field is 1 or 2)
            {
                if (wireType != WireType.LengthDelimited)
                {
                    reader.FailWireType(field, wireType, WireType.LengthDelimited);
                    return Propagate(ref reader, ref errorSink);
                }

                if (!reader.TryReadLengthDelimited(out var s, out var l))
                {
                    return Propagate(ref reader, ref errorSink);
                }

                if (field == 1)
                {
                    keyStart = s;
                    keyLength = l;
                }
                else
                {
                    // A repeated message field is merged (protobuf): a later AnyValue with no member set
                    // leaves the earlier value in place; one with a member replaces it (oneof).
                    if (!TryDecode(request, s, l, out var next, ref errorSink))
                    {
                        return false;
                    }

                    if (next.Kind != OtlpValueKind.None)
                    {
                        value = next;
                    }
                }
            }
            else if (!reader.TrySkip(field, wireType))
            {
                return Propagate(ref reader, ref errorSink);
            }
        }

        return reader.Error is null || Propagate(ref reader, ref errorSink);
    }

    /// <summary>
    /// The layout every OTLP encoder writes for a short attribute: <c>key</c> (field 1) then <c>value</c>
    /// (field 2), one-byte lengths, and in the value exactly one of a string (field 1, one-byte length), an
    /// int (field 3), a double (field 4) or a bool (field 2), filling the message. Anything else - other
    /// order, longer lengths, extra or repeated fields, malformed bytes - returns false and is decoded by the
    /// general path, so the result is the same either way.
    /// </summary>
    private static bool TryDecodeCommonKeyValue(ReadOnlySpan<byte> request, int start, int length, out int keyStart, out int keyLength, out OtlpValue value)
    {
        keyStart = start;
        keyLength = 0;
        value = default;
        var message = request.Slice(start, length);
        if (message.Length < 4 || message[0] != 0x0A || message[1] >= 0x80)
        {
            return false;
        }

        var key = message[1];
        var valueTag = 2 + key;
        if (valueTag + 2 > message.Length || message[valueTag] != 0x12 || message[valueTag + 1] >= 0x80
            || message[valueTag + 1] != message.Length - valueTag - 2)
        {
            return false;
        }

        var any = message[(valueTag + 2)..];
        if (any.Length < 2)
        {
            return false;
        }

        var at = start + valueTag + 2;
        switch (any[0])
        {
            case 0x0A when any[1] < 0x80 && any[1] == any.Length - 2:
                value.Kind = OtlpValueKind.String;
                value.Start = at + 2;
                value.Length = any.Length - 2;
                break;
            case 0x21 when any.Length == 9:
                value.Kind = OtlpValueKind.Double;
                value.Double = BitConverter.UInt64BitsToDouble(BinaryPrimitives.ReadUInt64LittleEndian(any[1..]));
                break;
            case 0x10 or 0x18 when any.Length <= 11:
                // A varint filling the rest: every byte but the last has its high bit set.
                ulong v = 0;
                for (var i = 1; i < any.Length; i++)
                {
                    var b = any[i];
                    if ((i == any.Length - 1) == (b >= 0x80) || (i == 10 && b > 1))
                    {
                        return false;
                    }

                    v |= (ulong)(b & 0x7F) << (7 * (i - 1));
                }

                value.Kind = any[0] == 0x10 ? OtlpValueKind.Bool : OtlpValueKind.Int;
                value.Int = any[0] == 0x10 ? (v != 0 ? 1 : 0) : unchecked((long)v);
                break;
            default:
                return false;
        }

        keyStart = start + 2;
        keyLength = key;
        return true;
    }

    private static bool Propagate(ref ProtoReader failed, ref ProtoReader errorSink)
    {
        errorSink.Adopt(failed.Error!, failed.ErrorPosition);
        return false;
    }
}
