using System.Text;

namespace Telemetry.Collector.Writing;

/// <summary>
/// Reads back the measurement and field keys/types of one line-protocol line, so that an InfluxDB error
/// message ("field type conflict: input field "f" on measurement "m" is type string") can be matched to
/// the lines it is about. Used only on the error path, never per point on the hot path.
/// </summary>
internal static class LineProtocolInspector
{
    /// <summary>A field of a line: its unescaped key and InfluxDB's name for its type.</summary>
    internal readonly record struct FieldInfo(string Key, string Type);

    /// <summary>Parses <paramref name="line"/> (without its '\n'). False when the line is not well-formed
    /// line protocol as InfluxDB would parse it (InfluxDB would answer "unable to parse").</summary>
    public static bool TryInspect(ReadOnlySpan<byte> line, out string measurement, List<FieldInfo> fields)
    {
        fields.Clear();
        measurement = string.Empty;
        if (line.IsEmpty || line[0] == (byte)'#' || line[^1] == (byte)'\r')
        {
            return false;
        }

        // Series key: measurement[,tag=value]* up to the first unescaped space.
        var i = 0;
        var name = new StringBuilder();
        while (i < line.Length && line[i] != (byte)' ' && line[i] != (byte)',')
        {
            i = AppendUnescaped(line, i, name);
        }

        if (name.Length == 0 || i >= line.Length)
        {
            return false;
        }

        measurement = name.ToString();
        while (i < line.Length && line[i] == (byte)',')
        {
            // tag key=value
            i++;
            var keyStart = i;
            while (i < line.Length && line[i] != (byte)'=' && line[i] != (byte)' ' && line[i] != (byte)',')
            {
                i = line[i] == (byte)'\\' && i + 1 < line.Length ? i + 2 : i + 1;
            }

            if (i == keyStart || i >= line.Length || line[i] != (byte)'=')
            {
                return false;
            }

            i++;
            var valueStart = i;
            while (i < line.Length && line[i] != (byte)' ' && line[i] != (byte)',')
            {
                if (line[i] == (byte)'=')
                {
                    return false;
                }

                i = line[i] == (byte)'\\' && i + 1 < line.Length ? i + 2 : i + 1;
            }

            if (i == valueStart || line[i - 1] == (byte)'\\')
            {
                return false;
            }
        }

        if (i >= line.Length || line[i] != (byte)' ')
        {
            return false;
        }

        i++;

        // Fields: key=value[,key=value]*
        while (true)
        {
            var key = new StringBuilder();
            while (i < line.Length && line[i] != (byte)'=' && line[i] != (byte)' ' && line[i] != (byte)',')
            {
                i = AppendUnescaped(line, i, key);
            }

            if (key.Length == 0 || i >= line.Length || line[i] != (byte)'=')
            {
                return false;
            }

            i++;
            string type;
            if (i < line.Length && line[i] == (byte)'"')
            {
                i++;
                var closed = false;
                while (i < line.Length)
                {
                    if (line[i] == (byte)'\\' && i + 1 < line.Length)
                    {
                        i += 2;
                        continue;
                    }

                    if (line[i] == (byte)'"')
                    {
                        closed = true;
                        i++;
                        break;
                    }

                    i++;
                }

                if (!closed)
                {
                    return false;
                }

                type = "string";
            }
            else
            {
                var start = i;
                while (i < line.Length && line[i] != (byte)',' && line[i] != (byte)' ')
                {
                    i++;
                }

                if (!TryClassify(line[start..i], out type))
                {
                    return false;
                }
            }

            fields.Add(new FieldInfo(key.ToString(), type));
            if (i >= line.Length)
            {
                return true;
            }

            if (line[i] == (byte)' ')
            {
                // Timestamp: an optional signed integer.
                var ts = line[(i + 1)..];
                if (ts.IsEmpty)
                {
                    return false;
                }

                var t = ts[0] == (byte)'-' ? ts[1..] : ts;
                if (t.IsEmpty || t.Length > 19)
                {
                    return false;
                }

                foreach (var b in t)
                {
                    if (b < (byte)'0' || b > (byte)'9')
                    {
                        return false;
                    }
                }

                return true;
            }

            i++; // ','
        }
    }

    private static bool TryClassify(ReadOnlySpan<byte> value, out string type)
    {
        type = string.Empty;
        if (value.IsEmpty)
        {
            return false;
        }

        if (value.SequenceEqual("t"u8) || value.SequenceEqual("T"u8) || value.SequenceEqual("true"u8) || value.SequenceEqual("True"u8) || value.SequenceEqual("TRUE"u8)
            || value.SequenceEqual("f"u8) || value.SequenceEqual("F"u8) || value.SequenceEqual("false"u8) || value.SequenceEqual("False"u8) || value.SequenceEqual("FALSE"u8))
        {
            type = "boolean";
            return true;
        }

        var last = value[^1];
        if (last == (byte)'i' || last == (byte)'u')
        {
            var digits = value[..^1];
            if (!long.TryParse(Encoding.ASCII.GetString(digits), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                return false;
            }

            type = last == (byte)'i' ? "integer" : "unsigned";
            return true;
        }

        var text = Encoding.ASCII.GetString(value);
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
        {
            return false;
        }

        type = "float";
        return true;
    }

    private static int AppendUnescaped(ReadOnlySpan<byte> line, int i, StringBuilder into)
    {
        if (line[i] == (byte)'\\' && i + 1 < line.Length && (line[i + 1] == (byte)',' || line[i + 1] == (byte)' ' || line[i + 1] == (byte)'='))
        {
            into.Append((char)line[i + 1]);
            return i + 2;
        }

        // A whole UTF-8 sequence at once, so non-ASCII names round-trip.
        var length = Utf8SequenceLength(line[i]);
        var end = Math.Min(line.Length, i + length);
        into.Append(Encoding.UTF8.GetString(line[i..end]));
        return end;
    }

    private static int Utf8SequenceLength(byte lead) => lead switch
    {
        < 0x80 => 1,
        >= 0xF0 => 4,
        >= 0xE0 => 3,
        >= 0xC0 => 2,
        _ => 1,
    };
}
