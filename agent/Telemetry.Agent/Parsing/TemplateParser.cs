using System.Text;

namespace Telemetry.Agent.Parsing;

/// <summary>
/// Walks a line against a <see cref="TemplateFormat"/>: literals must match byte for byte; a field runs to
/// the next literal (skipping backslash escapes where the server escapes), or reads its own extent (times),
/// or to the end of the line. The whole line is validated before the sink hears anything.
/// </summary>
internal sealed class TemplateParser : ILogParser
{
    private readonly TemplateStep[] _steps;
    private readonly RecordBuilder _builder = new();
    private readonly FieldDecoder _decoder = new();

    public TemplateParser(TemplateFormat format)
    {
        _steps = format.Steps;
    }

    public ParseResult Parse(ReadOnlySpan<byte> line, IRecordSink sink)
    {
        _builder.Reset();
        var pos = 0;
        var steps = _steps;
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            if (step.Literal is { } literal)
            {
                if (!line[pos..].StartsWith(literal))
                {
                    return Malformed("expected " + Show(literal) + " at column " + (pos + 1));
                }

                pos += literal.Length;
                continue;
            }

            var field = step.Field!;
            if (field.SelfDelimiting)
            {
                var n = _decoder.DecodeTime(field, line[pos..], _builder);
                if (n < 0)
                {
                    return Malformed(field.Directive + ": no time in the expected format at column " + (pos + 1));
                }

                pos += n;
                continue;
            }

            int end;
            var escaped = field.Escape != EscapeMode.None;
            if (i + 1 == steps.Length)
            {
                end = line.Length;
            }
            else if (i + 2 == steps.Length && steps[i + 1].Literal is { } closing && line.Length - closing.Length >= pos
                && line.EndsWith(closing))
            {
                // The last field before the closing literal (the user agent in combined) runs to the line's
                // end: a quote the server did not escape (nginx escape=none) cannot cut it short.
                end = line.Length - closing.Length;
            }
            else if (steps[i + 1].Literal is { } next)
            {
                end = FindLiteral(line, pos, next, escaped, out escaped);
                if (end < 0)
                {
                    return Malformed("expected " + Show(next) + " after " + field.Directive + " (column " + (pos + 1) + ")");
                }
            }
            else
            {
                end = line[pos..].IndexOf((byte)' ');
                end = end < 0 ? line.Length : pos + end;
            }

            var error = _decoder.Decode(field, line[pos..end], _builder, escaped);
            if (error is not null)
            {
                return Malformed(error + " at column " + (pos + 1));
            }

            pos = end;
        }

        if (pos != line.Length)
        {
            return Malformed("unexpected text at column " + (pos + 1));
        }

        _builder.Flush(sink);
        return ParseResult.Record;
    }

    /// <summary>Index of <paramref name="literal"/> at or after <paramref name="from"/>, not inside an escape.</summary>
    /// <param name="sawEscape">Whether a backslash was passed on the way (else the field needs no unescaping).</param>
    private static int FindLiteral(ReadOnlySpan<byte> line, int from, byte[] literal, bool escapeAware, out bool sawEscape)
    {
        sawEscape = false;
        var first = literal[0];
        var i = from;
        while (i < line.Length)
        {
            var rest = line[i..];
            var hit = escapeAware && first != (byte)'\\' ? rest.IndexOfAny(first, (byte)'\\') : rest.IndexOf(first);
            if (hit < 0)
            {
                return -1;
            }

            i += hit;
            if (line[i] == (byte)'\\' && first != (byte)'\\')
            {
                sawEscape = true;
                i += 2;
                continue;
            }

            if (line[i..].StartsWith(literal))
            {
                return i;
            }

            i++;
        }

        return -1;
    }

    private static ParseResult Malformed(string reason) => new(ParseStatus.Malformed, reason);

    private static string Show(byte[] literal)
    {
        var text = Encoding.UTF8.GetString(literal.AsSpan(0, Math.Min(literal.Length, 20)));
        return "'" + text.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "'";
    }
}
