using System.Buffers.Text;
using Telemetry.Agent.Parsing;

namespace Telemetry.Agent.Tests.Tailing;

/// <summary>
/// A stand-in format for pipeline tests: <c>t=&lt;unix seconds&gt; rid=&lt;n&gt; ...</c> is a record with time
/// and attribute <c>rid</c>; a line starting with <c>#</c> is a directive; anything else is malformed.
/// </summary>
internal sealed class TestFormat : ILogFormat, ILogParser
{
    public static readonly AttributeKey Rid = new("rid");
    public static readonly AttributeKey Text = new("text");

    public string Kind => "test";

    public ILogParser CreateParser() => this;

    public ParseResult Parse(ReadOnlySpan<byte> line, IRecordSink sink)
    {
        if (line.Length > 0 && line[0] == (byte)'#')
        {
            return new ParseResult(ParseStatus.Directive, "comment");
        }

        if (!line.StartsWith("t="u8))
        {
            return new ParseResult(ParseStatus.Malformed, "expected t= at column 1");
        }

        if (!Utf8Parser.TryParse(line[2..], out long seconds, out var consumed))
        {
            return new ParseResult(ParseStatus.Malformed, "bad time");
        }

        var rest = line[(2 + consumed)..];
        if (!rest.StartsWith(" rid="u8) || !Utf8Parser.TryParse(rest[5..], out long rid, out var ridLength))
        {
            return new ParseResult(ParseStatus.Malformed, "expected rid= at column " + (3 + consumed));
        }

        sink.Time(new LogTime(seconds * 1_000_000_000L, 0, 1_000_000_000L));
        sink.Int(Rid, rid);
        var text = rest[(5 + ridLength)..];
        if (text.Length > 1)
        {
            sink.String(Text, text[1..]);
        }

        return ParseResult.Record;
    }
}
