using System.Buffers.Text;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Mapping;

/// <summary>
/// Writes an OTLP <c>AnyValue</c> as plain JSON text (arrays as JSON arrays, key-value lists as objects,
/// bytes as base64 strings, non-finite doubles as null) straight from the wire bytes. Used for array and
/// kvlist attributes and non-string log bodies, which InfluxDB can only hold as string fields.
/// Nesting deeper than <see cref="MaxDepth"/> is refused as malformed.
/// </summary>
internal static class AnyValueJsonWriter
{
    public const int MaxDepth = 32;

    private static ReadOnlySpan<byte> HexLower => "0123456789abcdef"u8;

    public static bool TryWrite(ReadOnlySpan<byte> request, in OtlpValue value, LineBuffer output, ref ProtoReader errorSink, int depth = 0)
    {
        switch (value.Kind)
        {
            case OtlpValueKind.String:
                WriteString(output, value.Bytes(request));
                return true;
            case OtlpValueKind.Bool:
                output.Write(value.Bool ? "true"u8 : "false"u8);
                return true;
            case OtlpValueKind.Int:
                WriteInt(output, value.Int);
                return true;
            case OtlpValueKind.Double:
                WriteDouble(output, value.Double);
                return true;
            case OtlpValueKind.Bytes:
                output.Write((byte)'"');
                WriteBase64(output, value.Bytes(request));
                output.Write((byte)'"');
                return true;
            case OtlpValueKind.Array:
            case OtlpValueKind.KeyValueList:
                if (depth >= MaxDepth)
                {
                    return errorSink.Adopt("values nested deeper than 32", value.Start);
                }

                return TryWriteItems(request, value, output, ref errorSink, depth);
            default:
                output.Write("null"u8);
                return true;
        }
    }

    public static void WriteBase64(LineBuffer output, ReadOnlySpan<byte> bytes)
    {
        var span = output.GetSpan(Base64.GetMaxEncodedToUtf8Length(bytes.Length));
        Base64.EncodeToUtf8(bytes, span, out _, out var written);
        output.Advance(written);
    }

    public static void WriteHex(LineBuffer output, ReadOnlySpan<byte> bytes)
    {
        var span = output.GetSpan(bytes.Length * 2);
        for (var i = 0; i < bytes.Length; i++)
        {
            span[2 * i] = HexLower[bytes[i] >> 4];
            span[(2 * i) + 1] = HexLower[bytes[i] & 0xF];
        }

        output.Advance(bytes.Length * 2);
    }

    /// <summary>An <c>ArrayValue</c> as a JSON array or a <c>KeyValueList</c> as a JSON object: both hold
    /// their items in repeated field 1, as <c>AnyValue</c>s or as <c>KeyValue</c>s.</summary>
    private static bool TryWriteItems(ReadOnlySpan<byte> request, in OtlpValue value, LineBuffer output, ref ProtoReader errorSink, int depth)
    {
        var isObject = value.Kind == OtlpValueKind.KeyValueList;
        output.Write(isObject ? (byte)'{' : (byte)'[');
        var first = true;
        var reader = new ProtoReader(request, value.Start, value.Start + value.Length);
        while (reader.TryReadNext(1, out var s, out var l))
        {
            OtlpValue item;
            int keyStart = 0, keyLength = 0;
            var decoded = isObject
                ? OtlpValue.TryDecodeKeyValue(request, s, l, out keyStart, out keyLength, out item, ref errorSink)
                : OtlpValue.TryDecode(request, s, l, out item, ref errorSink);
            if (!decoded)
            {
                break;
            }

            if (!first)
            {
                output.Write((byte)',');
            }

            first = false;
            if (isObject)
            {
                WriteString(output, request.Slice(keyStart, keyLength));
                output.Write((byte)':');
            }

            if (!TryWrite(request, item, output, ref errorSink, depth + 1))
            {
                return false;
            }
        }

        if (reader.Error is not null)
        {
            return errorSink.Adopt(reader.Error, reader.ErrorPosition);
        }

        if (errorSink.Error is not null)
        {
            return false;
        }

        output.Write(isObject ? (byte)'}' : (byte)']');
        return true;
    }

    private static void WriteString(LineBuffer output, ReadOnlySpan<byte> text)
    {
        output.Write((byte)'"');
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var b = text[i];
            if (b >= 0x20 && b != (byte)'"' && b != (byte)'\\')
            {
                continue;
            }

            output.Write(text[start..i]);
            switch (b)
            {
                case (byte)'"':
                    output.Write("\\\""u8);
                    break;
                case (byte)'\\':
                    output.Write("\\\\"u8);
                    break;
                case (byte)'\n':
                    output.Write("\\n"u8);
                    break;
                case (byte)'\r':
                    output.Write("\\r"u8);
                    break;
                case (byte)'\t':
                    output.Write("\\t"u8);
                    break;
                default:
                    output.Write("\\u00"u8);
                    output.Write(HexLower[b >> 4]);
                    output.Write(HexLower[b & 0xF]);
                    break;
            }

            start = i + 1;
        }

        output.Write(text[start..]);
        output.Write((byte)'"');
    }

    private static void WriteInt(LineBuffer output, long value)
    {
        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }

    private static void WriteDouble(LineBuffer output, double value)
    {
        if (!double.IsFinite(value))
        {
            output.Write("null"u8);
            return;
        }

        output.Advance(RoundTripDouble.Format(value, output.GetSpan(RoundTripDouble.MaxLength)));
    }
}
