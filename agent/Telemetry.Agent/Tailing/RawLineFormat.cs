using Telemetry.Agent.Parsing;

namespace Telemetry.Agent.Tailing;

// Phase-1 stand-in until Parsing.LogFormatFactory is merged: every non-empty line is a record with no attributes.
internal sealed class RawLineFormat(string kind) : ILogFormat, ILogParser
{
    public string Kind { get; } = kind;

    public ILogParser CreateParser() => this;

    public ParseResult Parse(ReadOnlySpan<byte> line, IRecordSink sink) => ParseResult.Record;
}
