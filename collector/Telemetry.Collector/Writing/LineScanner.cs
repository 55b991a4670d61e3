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

        // Series key: quotes are literal there; it ends at the first unescaped space.
        var i = start;
        while (i < span.Length && span[i] != (byte)' ')
        {
            if (span[i] == (byte)'\n')
            {
                return i;
            }

            i += span[i] == (byte)'\\' ? 2 : 1;
        }

        // Fields: a '"' right after an unescaped '=' opens a string that only an unescaped '"' closes.
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
