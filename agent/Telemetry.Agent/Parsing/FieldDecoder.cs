using System.Buffers.Text;

namespace Telemetry.Agent.Parsing;

/// <summary>
/// Turns one field's text into attributes on a <see cref="RecordBuilder"/>. Owns a scratch buffer for
/// unescaping, so one instance belongs to one parser. Returns an error text instead of throwing.
/// </summary>
internal sealed class FieldDecoder
{
    private byte[] _scratch = new byte[1024];

    /// <summary>Decodes a field whose extent the template found; <c>-</c> means absent.</summary>
    /// <returns>null, or why the value does not fit the field.</returns>
    /// <param name="maybeEscaped">False when the caller saw no backslash in <paramref name="raw"/>.</param>
    public string? Decode(FieldSpec field, ReadOnlySpan<byte> raw, RecordBuilder builder, bool maybeEscaped = true)
    {
        if (raw.Length == 1 && raw[0] == (byte)'-')
        {
            return null;
        }

        switch (field.Kind)
        {
            case FieldKind.String:
                {
                    var span = builder.Reserve(raw.Length);
                    var n = ValueUnescaper.Unescape(raw, span, maybeEscaped ? field.Escape : EscapeMode.None, field.PlusIsSpace);
                    builder.Commit(field.Key!, n);
                    return null;
                }

            case FieldKind.Int:
                if (raw.IsEmpty)
                {
                    return null; // nginx escape=json writes an unset variable as nothing
                }

                if (!Utf8Parser.TryParse(raw, out long value, out var consumed) || consumed != raw.Length)
                {
                    return field.Directive + " is not a whole number";
                }

                builder.AddInt(field.Key!, value);
                return null;

            case FieldKind.Duration:
                if (raw.IsEmpty)
                {
                    return null;
                }

                if (!Utf8Parser.TryParse(raw, out double amount, out var used) || used != raw.Length || !double.IsFinite(amount))
                {
                    return field.Directive + " is not a number";
                }

                builder.AddDouble(field.Key!, amount / field.UnitsPerSecond);
                return null;

            case FieldKind.Query:
                {
                    var text = Unescaped(raw, field, maybeEscaped);
                    if (!text.IsEmpty && text[0] == (byte)'?')
                    {
                        text = text[1..];
                    }

                    builder.AddString(field.Key!, text);
                    return null;
                }

            case FieldKind.RequestLine:
                RequestLineSplitter.AddRequestLine(Unescaped(raw, field, maybeEscaped), field.Request!, builder);
                return null;

            case FieldKind.Target:
                RequestLineSplitter.AddTarget(Unescaped(raw, field, maybeEscaped), field.Request!, builder);
                return null;

            case FieldKind.Protocol:
                RequestLineSplitter.AddProtocol(Unescaped(raw, field, maybeEscaped), field.Request!, builder);
                return null;

            default:
                {
                    var n = DecodeTime(field, raw, builder);
                    return n == raw.Length ? null : field.Directive + " is not a time in the expected format";
                }
        }
    }

    /// <summary>Reads a self-delimiting time field at the start of <paramref name="s"/>.</summary>
    /// <returns>The bytes consumed, or -1 when <paramref name="s"/> does not start with one.</returns>
    public int DecodeTime(FieldSpec field, ReadOnlySpan<byte> s, RecordBuilder builder)
    {
        if (!s.IsEmpty && s[0] == (byte)'-' && (s.Length == 1 || s[1] is (byte)' ' or (byte)']' or (byte)'"' or (byte)','))
        {
            return 1;
        }

        LogTime time;
        int n;
        switch (field.Kind)
        {
            case FieldKind.ClfTimeBracketed:
                if (s.Length < ClfTimeParser.Length + 2 || s[0] != (byte)'[' || s[ClfTimeParser.Length + 1] != (byte)']'
                    || !ClfTimeParser.TryParse(s.Slice(1, ClfTimeParser.Length), out time))
                {
                    return -1;
                }

                n = ClfTimeParser.Length + 2;
                break;
            case FieldKind.ClfTime:
                if (!ClfTimeParser.TryParse(s, out time))
                {
                    return -1;
                }

                n = ClfTimeParser.Length;
                break;
            case FieldKind.Iso8601Time:
                n = Iso8601TimeParser.TryParse(s, out time);
                break;
            case FieldKind.EpochTime:
                n = EpochTimeParser.TryParse(s, field.UnitNanos, out time);
                break;
            case FieldKind.StrftimeTime when field.Pattern!.ZoneOnly:
                n = CivilTime.Offset(s, 0, out var offset);
                if (n == 0)
                {
                    return -1;
                }

                builder.ApplyOffset(offset);
                return n;
            case FieldKind.StrftimeTime:
                n = field.Pattern!.TryParse(s, out time);
                break;
            case FieldKind.TimeFraction:
                {
                    n = CivilTime.DigitsUpTo(s, 0, 9, out var digits);
                    if (n == 0)
                    {
                        return -1;
                    }

                    builder.RefineTime(digits * field.UnitNanos, field.UnitNanos);
                    return n;
                }

            default:
                return -1;
        }

        if (n <= 0)
        {
            return -1;
        }

        if (!builder.HasTime)
        {
            builder.SetTime(time);
        }

        return n;
    }

    private ReadOnlySpan<byte> Unescaped(ReadOnlySpan<byte> raw, FieldSpec field, bool maybeEscaped)
    {
        if ((!maybeEscaped || field.Escape == EscapeMode.None) && !field.PlusIsSpace)
        {
            return raw;
        }

        if (_scratch.Length < raw.Length)
        {
            _scratch = new byte[Math.Max(raw.Length, _scratch.Length * 2)];
        }

        var n = ValueUnescaper.Unescape(raw, _scratch, field.Escape, field.PlusIsSpace);
        return _scratch.AsSpan(0, n);
    }
}
