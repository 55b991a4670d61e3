using System.Buffers.Text;

namespace Telemetry.Agent.HostMetrics.Linux;

/// <summary>Walks the whitespace-separated fields of one line of a /proc file, parsing numbers from bytes.</summary>
internal ref struct FieldReader
{
    private ReadOnlySpan<byte> _rest;

    public FieldReader(ReadOnlySpan<byte> line) => _rest = line;

    /// <summary>The next field (spaces and tabs separate fields); false at the end of the line.</summary>
    public bool TryNext(out ReadOnlySpan<byte> field)
    {
        var start = 0;
        while (start < _rest.Length && IsSpace(_rest[start]))
        {
            start++;
        }

        if (start == _rest.Length)
        {
            _rest = default;
            field = default;
            return false;
        }

        var end = start;
        while (end < _rest.Length && !IsSpace(_rest[end]))
        {
            end++;
        }

        field = _rest[start..end];
        _rest = _rest[end..];
        return true;
    }

    /// <summary>The next field as an unsigned decimal integer; false when missing or not a number.</summary>
    public bool TryNextInt64(out long value)
    {
        value = 0;
        return TryNext(out var field) && TryParseInt64(field, out value);
    }

    /// <summary>The next field as a decimal number such as <c>0.83</c>.</summary>
    public bool TryNextDouble(out double value)
    {
        value = 0;
        return TryNext(out var field) && Utf8Parser.TryParse(field, out value, out var consumed) && consumed == field.Length;
    }

    /// <summary>Skips <paramref name="count"/> fields; false when the line ends first.</summary>
    public bool Skip(int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (!TryNext(out _))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whole-field decimal parse (kernel counters are unsigned 64-bit; values above long.MaxValue saturate).</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> field, out long value)
    {
        if (Utf8Parser.TryParse(field, out ulong parsed, out var consumed) && consumed == field.Length)
        {
            value = parsed > long.MaxValue ? long.MaxValue : (long)parsed;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>Splits off the first line of <paramref name="text"/> (without its '\n').</summary>
    public static bool TryNextLine(ref ReadOnlySpan<byte> text, out ReadOnlySpan<byte> line)
    {
        if (text.IsEmpty)
        {
            line = default;
            return false;
        }

        var newline = text.IndexOf((byte)'\n');
        if (newline < 0)
        {
            line = text;
            text = default;
        }
        else
        {
            line = text[..newline];
            text = text[(newline + 1)..];
        }

        return true;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t';
}
