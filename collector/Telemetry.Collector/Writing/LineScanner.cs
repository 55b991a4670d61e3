namespace Telemetry.Collector.Writing;

/// <summary>
/// Finds where a line-protocol point ends. A point ends at '\n', except inside a quoted string field value,
/// where the encoder writes newlines raw (InfluxDB's own scanner reads them the same way). Lines without a
/// '"' (the common case) cost one vectorized search.
/// </summary>
internal static class LineScanner
{
    /// <summary>Index of the '\n' that ends the point starting at <paramref name="start"/>, or -1 when the
    /// point runs to the end of <paramref name="span"/>.</summary>
    public static int LineEnd(ReadOnlySpan<byte> span, int start)
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

        // Series key: quotes are literal there; it ends at the first unescaped space. Each step jumps to the
        // next byte that matters with one vectorized search.
        var i = start;
        while (true)
        {
            var next = span[i..].IndexOfAny((byte)' ', (byte)'\\', (byte)'\n');
            if (next < 0)
            {
                return -1;
            }

            i += next;
            if (span[i] == (byte)'\n')
            {
                return i;
            }

            if (span[i] == (byte)' ')
            {
                break;
            }

            i += 2; // a backslash escapes the byte after it
            if (i >= span.Length)
            {
                return -1;
            }
        }

        // Fields: a '"' right after an unescaped '=' opens a string that only an unescaped '"' closes.
        while (i < span.Length)
        {
            var next = span[i..].IndexOfAny((byte)'\n', (byte)'\\', (byte)'"');
            if (next < 0)
            {
                return -1;
            }

            i += next;
            var b = span[i];
            if (b == (byte)'\n')
            {
                return i;
            }

            if (b == (byte)'\\')
            {
                i += 2;
                continue;
            }

            if (i > start && span[i - 1] == (byte)'=' && (i < start + 2 || span[i - 2] != (byte)'\\'))
            {
                // Inside the string: skip to its closing quote.
                i++;
                while (true)
                {
                    var end = i < span.Length ? span[i..].IndexOfAny((byte)'\\', (byte)'"') : -1;
                    if (end < 0)
                    {
                        return -1;
                    }

                    i += end;
                    if (span[i] == (byte)'"')
                    {
                        break;
                    }

                    i += 2;
                }
            }

            i++;
        }

        return -1;
    }
}
