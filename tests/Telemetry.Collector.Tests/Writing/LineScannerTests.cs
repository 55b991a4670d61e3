using System.Text;
using FsCheck.Xunit;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Tests.Writing;

public sealed class LineScannerTests
{
    private static string[] Split(string text)
    {
        var span = Encoding.UTF8.GetBytes(text).AsSpan();
        var lines = new List<string>();
        var start = 0;
        while (start < span.Length)
        {
            var end = LineScanner.LineEnd(span, start);
            var stop = end < 0 ? span.Length : end;
            lines.Add(Encoding.UTF8.GetString(span[start..stop]));
            start = stop + 1;
        }

        return [.. lines];
    }

    [Fact]
    public void Newlines_inside_string_fields_do_not_end_the_point()
    {
        Assert.Equal(["m s=\"a\nb\" 1", "m s=\"c\" 2"], Split("m s=\"a\nb\" 1\nm s=\"c\" 2\n"));
    }

    [Fact]
    public void Escaped_quotes_and_quotes_in_names_do_not_open_strings()
    {
        Assert.Equal(["m\"x,t=\"y f\"=1,s=\"q\\\"\n\\\\\" 1", "n v=1 2"], Split("m\"x,t=\"y f\"=1,s=\"q\\\"\n\\\\\" 1\nn v=1 2"));
    }

    [Fact]
    public void Lines_without_quotes_split_on_every_newline()
    {
        Assert.Equal(["a v=1 1", "b v=2 2", "c v=3 3"], Split("a v=1 1\nb v=2 2\nc v=3 3\n"));
    }

    [Property(MaxTest = 5000)]
    public void Vectorized_scan_finds_the_same_ends_as_a_byte_by_byte_scan(int seed)
    {
        string[] pieces = ["m", "s", "=", "\"", "\\", " ", ",", "\n", "a", "1i", "x=\"", "\\\"", "\\ ", "é"];
        var random = new Random(seed);
        var text = new StringBuilder();
        var count = random.Next(0, 40);
        for (var i = 0; i < count; i++)
        {
            text.Append(pieces[random.Next(pieces.Length)]);
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        for (var start = 0; start < bytes.Length; start++)
        {
            Assert.Equal(ByteByByteLineEnd(bytes, start), LineScanner.LineEnd(bytes, start));
        }
    }

    /// <summary>The scanner as first written, one byte at a time: the reference for the vectorized one.</summary>
    private static int ByteByByteLineEnd(ReadOnlySpan<byte> span, int start)
    {
        var nl = span[start..].IndexOf((byte)'\n');
        if (nl < 0)
        {
            return -1;
        }

        if (span.Slice(start, nl).IndexOf((byte)'"') < 0)
        {
            return start + nl;
        }

        var i = start;
        while (i < span.Length && span[i] != (byte)' ')
        {
            if (span[i] == (byte)'\n')
            {
                return i;
            }

            i += span[i] == (byte)'\\' ? 2 : 1;
        }

        for (; i < span.Length; i++)
        {
            var b = span[i];
            if (b == (byte)'\n')
            {
                return i;
            }

            if (b == (byte)'\\')
            {
                i++;
                continue;
            }

            if (b == (byte)'"' && i > start && span[i - 1] == (byte)'=' && (i < start + 2 || span[i - 2] != (byte)'\\'))
            {
                for (i++; i < span.Length; i++)
                {
                    if (span[i] == (byte)'\\')
                    {
                        i++;
                    }
                    else if (span[i] == (byte)'"')
                    {
                        break;
                    }
                }
            }
        }

        return -1;
    }
}
