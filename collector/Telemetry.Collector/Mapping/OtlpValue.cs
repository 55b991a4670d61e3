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
                else if (!TryDecode(request, s, l, out value, ref errorSink))
                {
                    return false;
                }
            }
            else if (!reader.TrySkip(field, wireType))
            {
                return Propagate(ref reader, ref errorSink);
            }
        }

        return reader.Error is null || Propagate(ref reader, ref errorSink);
    }

    private static bool Propagate(ref ProtoReader failed, ref ProtoReader errorSink)
    {
        errorSink.Adopt(failed.Error!, failed.ErrorPosition);
        return false;
    }
}
