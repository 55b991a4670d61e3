namespace Telemetry.Agent.Parsing;

/// <summary>
/// A compiled format's per-file parser. Stateful formats (IIS: the <c>#Fields:</c> directive can change
/// in the middle of a file) keep their state here, so each tailed file gets its own instance from
/// <see cref="ILogFormat.CreateParser"/>. Never throws for any input bytes.
/// </summary>
public interface ILogParser
{
    /// <param name="line">One line without its terminator (<c>\n</c> or <c>\r\n</c>).</param>
    /// <param name="sink">Receives the time and attributes of a <see cref="ParseStatus.Record"/>; untouched otherwise.</param>
    ParseResult Parse(ReadOnlySpan<byte> line, IRecordSink sink);
}

/// <summary>A format compiled from its configuration (an Apache LogFormat, an nginx log_format, W3C, JSON mapping).</summary>
public interface ILogFormat
{
    /// <summary>apache, nginx, iis or json.</summary>
    string Kind { get; }

    ILogParser CreateParser();
}

public enum ParseStatus
{
    /// <summary>The line was a log entry; the sink received it.</summary>
    Record,

    /// <summary>The line was a directive (IIS <c>#Fields:</c>, <c>#Software:</c> ...); <see cref="ParseResult.Message"/> names it.</summary>
    Directive,

    /// <summary>The line does not match the format; <see cref="ParseResult.Message"/> says why.</summary>
    Malformed,
}

/// <param name="Status">What the line was.</param>
/// <param name="Message">Directive name, or why the line is malformed (for example
/// <c>expected '[' at column 23</c>).</param>
public readonly record struct ParseResult(ParseStatus Status, string? Message = null)
{
    public static ParseResult Record { get; } = new(ParseStatus.Record);
}
