using System.Text;
using FsCheck.Xunit;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using Telemetry.Collector.Mapping;

namespace Telemetry.Collector.Tests.Mapping;

/// <summary>
/// <see cref="OtlpValue.TryDecodeKeyValue"/> reads the common attribute layout (key then value, one-byte
/// lengths) without a general decode loop. Whatever the layout - long keys and strings, negative ints,
/// every value kind, fields out of order, repeated or unknown fields - it must decode what Google.Protobuf
/// decodes.
/// </summary>
public sealed class OtlpValueTests
{
    [Property(MaxTest = 3000)]
    public void Key_values_decode_as_Google_Protobuf_decodes_them(int seed)
    {
        var random = new Random(seed);
        var kv = new KeyValue { Key = new string('k', random.Next(0, 3) == 0 ? random.Next(100, 200) : random.Next(0, 30)) };
        var value = new AnyValue();
        switch (random.Next(7))
        {
            case 0: value.StringValue = new string('s', random.Next(0, 3) == 0 ? random.Next(100, 300) : random.Next(0, 60)); break;
            case 1: value.IntValue = random.Next(3) switch { 0 => random.Next(0, 128), 1 => -random.NextInt64(), _ => random.NextInt64() }; break;
            case 2: value.DoubleValue = BitConverter.Int64BitsToDouble(random.NextInt64()); break;
            case 3: value.BoolValue = random.Next(2) == 1; break;
            case 4: value.BytesValue = ByteString.CopyFrom(new byte[random.Next(0, 20)]); break;
            case 5: value.ArrayValue = new ArrayValue(); break;
            default: break;
        }

        if (random.Next(4) != 0)
        {
            kv.Value = value;
        }

        var bytes = kv.ToByteArray();
        bytes = random.Next(4) switch
        {
            0 => [.. bytes, 0x18, 0x05], // an unknown field 3 after the value
            1 when kv.Value is not null => [.. Field(2, new AnyValue { IntValue = 7 }.ToByteArray()), .. bytes], // value repeated: the last wins
            2 when kv.Value is not null => [.. Field(2, kv.Value.ToByteArray()), .. Field(1, Encoding.UTF8.GetBytes(kv.Key))], // value before key
            _ => bytes,
        };

        var expected = KeyValue.Parser.ParseFrom(bytes);
        var sink = new ProtoReader(bytes, 0, 0);
        Assert.True(OtlpValue.TryDecodeKeyValue(bytes, 0, bytes.Length, out var keyStart, out var keyLength, out var decoded, ref sink));
        Assert.Equal(expected.Key, Encoding.UTF8.GetString(bytes, keyStart, keyLength));
        var v = expected.Value ?? new AnyValue();
        switch (v.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                Assert.Equal(OtlpValueKind.String, decoded.Kind);
                Assert.Equal(v.StringValue, Encoding.UTF8.GetString(decoded.Bytes(bytes)));
                break;
            case AnyValue.ValueOneofCase.IntValue:
                Assert.Equal(OtlpValueKind.Int, decoded.Kind);
                Assert.Equal(v.IntValue, decoded.Int);
                break;
            case AnyValue.ValueOneofCase.DoubleValue:
                Assert.Equal(OtlpValueKind.Double, decoded.Kind);
                Assert.Equal(BitConverter.DoubleToInt64Bits(v.DoubleValue), BitConverter.DoubleToInt64Bits(decoded.Double));
                break;
            case AnyValue.ValueOneofCase.BoolValue:
                Assert.Equal(OtlpValueKind.Bool, decoded.Kind);
                Assert.Equal(v.BoolValue, decoded.Bool);
                break;
            case AnyValue.ValueOneofCase.BytesValue:
                Assert.Equal(OtlpValueKind.Bytes, decoded.Kind);
                Assert.Equal(v.BytesValue.ToByteArray(), decoded.Bytes(bytes).ToArray());
                break;
            case AnyValue.ValueOneofCase.ArrayValue:
                Assert.Equal(OtlpValueKind.Array, decoded.Kind);
                break;
            default:
                Assert.Equal(OtlpValueKind.None, decoded.Kind);
                break;
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x0A, 0x01, (byte)'k', 0x12, 0x03, 0x0A, 0x05, (byte)'v' })] // string length past the value
    [InlineData(new byte[] { 0x0A, 0x01, (byte)'k', 0x12, 0x03, 0x18, 0x80, 0x80 })] // varint without an end
    [InlineData(new byte[] { 0x0A, 0x01, (byte)'k', 0x12, 0x02, 0x19, 0x01 })] // int as fixed64: wrong wire type
    [InlineData(new byte[] { 0x0A, 0x01, (byte)'k', 0x12, 0x09, 0x21, 0, 0, 0 })] // value length past the message
    public void Malformed_attributes_are_refused(byte[] bytes)
    {
        var sink = new ProtoReader(bytes, 0, 0);
        Assert.False(OtlpValue.TryDecodeKeyValue(bytes, 0, bytes.Length, out _, out _, out _, ref sink));
        Assert.NotNull(sink.Error);
    }

    private static byte[] Field(int number, byte[] payload)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(number, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(payload));
        output.Flush();
        return stream.ToArray();
    }
}
