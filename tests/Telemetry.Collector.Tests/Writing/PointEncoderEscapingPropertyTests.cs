using System.Text;
using System.Text.Unicode;
using FsCheck.Xunit;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Tests.Writing;

/// <summary>
/// The encoder copies names and values with nothing to escape in one block and sends everything else down
/// the byte-by-byte path. Whatever the bytes (separators, quotes, backslash runs, control characters,
/// non-ASCII text, invalid UTF-8), its output must be what the encoding policy of docs/influxdb-schema.md,
/// written out the obvious way below, gives.
/// </summary>
public sealed class PointEncoderEscapingPropertyTests
{
    private static readonly byte[][] Pieces =
    [
        "a"u8.ToArray(), "Z"u8.ToArray(), "0"u8.ToArray(), ","u8.ToArray(), " "u8.ToArray(), "="u8.ToArray(),
        "\\"u8.ToArray(), "\""u8.ToArray(), "\n"u8.ToArray(), "\r"u8.ToArray(), [0], "\t"u8.ToArray(), [0x7F],
        "#"u8.ToArray(), "é"u8.ToArray(), [0xFF], [0xC3], "😀"u8.ToArray(), "time"u8.ToArray(), "/"u8.ToArray(),
        "web-01.example.com"u8.ToArray(),
    ];

    [Property(MaxTest = 3000)]
    public void Any_bytes_are_encoded_as_the_policy_says(int seed)
    {
        var random = new Random(seed);
        var measurement = Bytes(random, 1);
        var tagKey = Bytes(random, 1);
        var tagValue = Bytes(random, 0);
        var fieldKey = Bytes(random, 1);
        var fieldValue = Bytes(random, 0);

        using var buffer = new LineBuffer();
        using var encoder = new PointEncoder(buffer);
        encoder.Begin(measurement);
        encoder.Tag(tagKey, tagValue);
        encoder.Field(fieldKey, fieldValue);
        Assert.True(encoder.End(1));

        var expected = new List<byte>(Name(measurement, measurement: true));
        var deferred = new List<byte>();
        if (tagValue.Length > 0)
        {
            if (Utf8.IsValid(tagValue) && tagValue.AsSpan().IndexOfAny((byte)'\n', (byte)'\r', (byte)0) < 0 && tagValue[^1] != (byte)'\\')
            {
                expected.Add((byte)',');
                expected.AddRange(Name(tagKey, measurement: false));
                expected.Add((byte)'=');
                foreach (var b in tagValue)
                {
                    if (b is (byte)',' or (byte)'=' or (byte)' ')
                    {
                        expected.Add((byte)'\\');
                    }

                    expected.Add(b);
                }
            }
            else
            {
                deferred.Add((byte)',');
                deferred.AddRange(Name(tagKey, measurement: false));
                deferred.AddRange("_raw="u8.ToArray());
                deferred.AddRange(StringValue(tagValue));
            }
        }

        expected.Add((byte)' ');
        expected.AddRange(Name(fieldKey, measurement: false));
        expected.Add((byte)'=');
        expected.AddRange(StringValue(fieldValue));
        expected.AddRange(deferred);
        expected.AddRange(" 1\n"u8.ToArray());

        Assert.Equal(Encoding.Latin1.GetString([.. expected]), Encoding.Latin1.GetString(buffer.WrittenSpan));
    }

    private static byte[] Bytes(Random random, int min)
    {
        var bytes = new List<byte>();
        var count = random.Next(min, 7);
        for (var i = 0; i < count; i++)
        {
            bytes.AddRange(Pieces[random.Next(Pieces.Length)]);
        }

        return [.. bytes];
    }

    private static byte[] Sanitized(byte[] bytes) => Utf8.IsValid(bytes) ? bytes : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes));

    private static bool IsSeparator(byte b) => b is (byte)',' or (byte)'=' or (byte)' ';

    private static List<byte> Name(byte[] raw, bool measurement)
    {
        if (!measurement && raw.AsSpan().SequenceEqual("time"u8))
        {
            return [.. "time_"u8.ToArray()];
        }

        var name = Sanitized(raw);
        var output = new List<byte>();
        if (measurement && name[0] == (byte)'#')
        {
            output.Add((byte)'_');
        }

        for (var i = 0; i < name.Length; i++)
        {
            var b = name[i];
            if (b < 0x20 || b == 0x7F)
            {
                output.Add((byte)'_');
                continue;
            }

            if (IsSeparator(b))
            {
                output.Add((byte)'\\');
            }

            output.Add(b);
            if (b == (byte)'\\' && (i + 1 == name.Length || (name[i + 1] != (byte)'\\' && IsSeparator(name[i + 1]))))
            {
                output.Add((byte)'_');
            }
        }

        return output;
    }

    private static List<byte> StringValue(byte[] raw)
    {
        var output = new List<byte> { (byte)'"' };
        foreach (var b in Sanitized(raw))
        {
            if (b is (byte)'"' or (byte)'\\')
            {
                output.Add((byte)'\\');
            }

            output.Add(b);
        }

        output.Add((byte)'"');
        return output;
    }
}
