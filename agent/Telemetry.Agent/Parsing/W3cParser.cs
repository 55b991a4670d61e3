using System.Text;

namespace Telemetry.Agent.Parsing;

/// <summary>
/// Parses one IIS W3C file: directive lines (<c>#Fields:</c> replaces the field list from that line on),
/// and space-separated entries whose <c>date</c> and <c>time</c> are UTC. <c>-</c> is absent; <c>+</c> in
/// <c>cs(...)</c> headers is a space.
/// </summary>
internal sealed class W3cParser : ILogParser
{
    private readonly RecordBuilder _builder = new();
    private readonly FieldDecoder _decoder = new();
    private W3cFieldList _fields;
    private int _directiveYear;
    private int _directiveMonth;
    private int _directiveDay;

    public W3cParser(W3cFieldList initial)
    {
        _fields = initial;
    }

    public ParseResult Parse(ReadOnlySpan<byte> line, IRecordSink sink)
    {
        if (!line.IsEmpty && line[0] == (byte)'#')
        {
            return Directive(line);
        }

        _builder.Reset();
        var fields = _fields.Fields;
        int year = _directiveYear, month = _directiveMonth, day = _directiveDay, hour = -1, minute = 0, second = 0;
        long fraction = 0;
        var resolution = CivilTime.NanosPerSecond;
        var pos = 0;
        for (var i = 0; i < fields.Length; i++)
        {
            if (pos > line.Length)
            {
                return new ParseResult(ParseStatus.Malformed, "expected " + fields.Length + " fields, found " + i);
            }

            var rest = line[pos..];
            var space = rest.IndexOf((byte)' ');
            var token = space < 0 ? rest : rest[..space];
            var column = pos + 1;
            pos += token.Length + 1;
            if (i == _fields.DateIndex)
            {
                if (token.Length != 10 || token[4] != (byte)'-' || token[7] != (byte)'-' || !CivilTime.Digits(token, 0, 4, out year)
                    || !CivilTime.Digits(token, 5, 2, out month) || !CivilTime.Digits(token, 8, 2, out day))
                {
                    return new ParseResult(ParseStatus.Malformed, "date is not yyyy-mm-dd at column " + column);
                }

                continue;
            }

            if (i == _fields.TimeIndex)
            {
                if (token.Length < 8 || token[2] != (byte)':' || token[5] != (byte)':' || !CivilTime.Digits(token, 0, 2, out hour)
                    || !CivilTime.Digits(token, 3, 2, out minute) || !CivilTime.Digits(token, 6, 2, out second)
                    || (token.Length > 8 && (token[8] != (byte)'.' || CivilTime.Fraction(token, 9, out fraction, out resolution) != token.Length - 9)))
                {
                    return new ParseResult(ParseStatus.Malformed, "time is not hh:mm:ss at column " + column);
                }

                continue;
            }

            var error = _decoder.Decode(fields[i]!, token, _builder);
            if (error is not null)
            {
                return new ParseResult(ParseStatus.Malformed, error + " at column " + column);
            }
        }

        if (pos <= line.Length)
        {
            return new ParseResult(ParseStatus.Malformed, "more than the " + fields.Length + " fields of #Fields at column " + pos);
        }

        if (hour >= 0 && year > 0)
        {
            if (!CivilTime.IsValid(year, month, day, hour, minute, second))
            {
                return new ParseResult(ParseStatus.Malformed, "date or time out of range");
            }

            _builder.SetTime(new LogTime(CivilTime.ToUnixNanos(year, month, day, hour, minute, second, fraction, 0), 0, resolution));
        }

        _builder.Flush(sink);
        return ParseResult.Record;
    }

    private ParseResult Directive(ReadOnlySpan<byte> line)
    {
        var colon = line.IndexOf((byte)':');
        var name = colon < 0 ? line[1..] : line[1..colon];
        var value = colon < 0 ? default : line[(colon + 1)..].Trim((byte)' ');
        if (name.SequenceEqual("Fields"u8))
        {
            _fields = W3cFieldList.Compile(Encoding.UTF8.GetString(value));
            return new ParseResult(ParseStatus.Directive, "Fields");
        }

        if (name.SequenceEqual("Date"u8))
        {
            // "#Date: 2002-05-02 17:42:15": entries without a date column use this day.
            if (value.Length >= 10 && CivilTime.Digits(value, 0, 4, out var y) && CivilTime.Digits(value, 5, 2, out var m)
                && CivilTime.Digits(value, 8, 2, out var d))
            {
                (_directiveYear, _directiveMonth, _directiveDay) = (y, m, d);
            }

            return new ParseResult(ParseStatus.Directive, "Date");
        }

        return new ParseResult(ParseStatus.Directive, name.SequenceEqual("Software"u8) ? "Software"
            : name.SequenceEqual("Version"u8) ? "Version"
            : Encoding.UTF8.GetString(name.Trim((byte)' ')));
    }
}
