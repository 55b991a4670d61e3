using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Telemetry.Agent.Encoders;

/// <summary>Writes bytes as a protobuf string field, replacing invalid UTF-8 sequences with U+FFFD.</summary>
public static class Utf8Repair
{
    public static void WriteStringField(ProtoBuffer buffer, int field, ReadOnlySpan<byte> value)
    {
        if (Utf8.IsValid(value))
        {
            buffer.WriteBytesField(field, value);
            return;
        }

        // Each invalid byte becomes at most 3 bytes (EF BF BD).
        var rented = ArrayPool<byte>.Shared.Rent(value.Length * 3);
        try
        {
            var length = Repair(value, rented);
            buffer.WriteBytesField(field, rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Length <paramref name="value"/> takes once repaired.</summary>
    public static int RepairedLength(ReadOnlySpan<byte> value)
    {
        if (Utf8.IsValid(value))
        {
            return value.Length;
        }

        var length = 0;
        while (!value.IsEmpty)
        {
            Rune.DecodeFromUtf8(value, out var rune, out var consumed);
            length += rune.Utf8SequenceLength;
            value = value[consumed..];
        }

        return length;
    }

    public static int Repair(ReadOnlySpan<byte> value, Span<byte> destination)
    {
        var written = 0;
        while (!value.IsEmpty)
        {
            Rune.DecodeFromUtf8(value, out var rune, out var consumed);
            written += rune.EncodeToUtf8(destination[written..]);
            value = value[consumed..];
        }

        return written;
    }
}
