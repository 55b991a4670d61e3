namespace Telemetry.Agent.Parsing;

/// <summary>Undoes a server's log escaping. The output is never longer than the input; an escape that is not
/// well formed is kept as written.</summary>
internal static class ValueUnescaper
{
    /// <returns>The bytes written to <paramref name="destination"/> (at least <c>source.Length</c> long).</returns>
    public static int Unescape(ReadOnlySpan<byte> source, Span<byte> destination, EscapeMode mode, bool plusIsSpace)
    {
        if (mode == EscapeMode.None || source.IndexOf((byte)'\\') < 0)
        {
            source.CopyTo(destination);
            if (plusIsSpace)
            {
                destination[..source.Length].Replace((byte)'+', (byte)' ');
            }

            return source.Length;
        }

        var w = 0;
        var i = 0;
        while (i < source.Length)
        {
            var next = source[i..].IndexOf((byte)'\\');
            if (next < 0)
            {
                source[i..].CopyTo(destination[w..]);
                w += source.Length - i;
                break;
            }

            source.Slice(i, next).CopyTo(destination[w..]);
            w += next;
            i += next;
            var consumed = UnescapeOne(source[i..], mode, destination[w..], out var written);
            i += consumed;
            w += written;
        }

        if (plusIsSpace)
        {
            destination[..w].Replace((byte)'+', (byte)' ');
        }

        return w;
    }

    /// <summary>Decodes the escape at the start of <paramref name="s"/> (which begins with a backslash).</summary>
    private static int UnescapeOne(ReadOnlySpan<byte> s, EscapeMode mode, Span<byte> destination, out int written)
    {
        written = 1;
        if (s.Length >= 4 && (s[1] == (byte)'x' || (mode == EscapeMode.Apache && s[1] == (byte)'X'))
            && Hex(s[2]) >= 0 && Hex(s[3]) >= 0 && mode != EscapeMode.Json)
        {
            destination[0] = (byte)((Hex(s[2]) << 4) | Hex(s[3]));
            return 4;
        }

        if (s.Length >= 2 && mode != EscapeMode.Nginx)
        {
            byte? simple = s[1] switch
            {
                (byte)'"' => (byte)'"',
                (byte)'\\' => (byte)'\\',
                (byte)'n' => (byte)'\n',
                (byte)'r' => (byte)'\r',
                (byte)'t' => (byte)'\t',
                (byte)'b' => (byte)'\b',
                (byte)'f' => (byte)'\f',
                (byte)'v' when mode == EscapeMode.Apache => (byte)'\v',
                (byte)'/' when mode == EscapeMode.Json => (byte)'/',
                _ => null,
            };
            if (simple is { } b)
            {
                destination[0] = b;
                return 2;
            }

            if (mode == EscapeMode.Json && s[1] == (byte)'u' && TryHex4(s, 2, out var cp))
            {
                var consumed = 6;
                if (cp is >= 0xD800 and <= 0xDBFF && s.Length >= 12 && s[6] == (byte)'\\' && s[7] == (byte)'u'
                    && TryHex4(s, 8, out var low) && low is >= 0xDC00 and <= 0xDFFF)
                {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    consumed = 12;
                }
                else if (cp is >= 0xD800 and <= 0xDFFF)
                {
                    cp = 0xFFFD;
                }

                written = new System.Text.Rune(cp).EncodeToUtf8(destination);
                return consumed;
            }
        }

        destination[0] = (byte)'\\';
        return 1;
    }

    private static bool TryHex4(ReadOnlySpan<byte> s, int pos, out int value)
    {
        value = 0;
        if (s.Length < pos + 4)
        {
            return false;
        }

        for (var i = pos; i < pos + 4; i++)
        {
            var h = Hex(s[i]);
            if (h < 0)
            {
                return false;
            }

            value = (value << 4) | h;
        }

        return true;
    }

    private static int Hex(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
