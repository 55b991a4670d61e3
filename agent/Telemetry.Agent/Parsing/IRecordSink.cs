namespace Telemetry.Agent.Parsing;

/// <summary>
/// Receives one parsed line. A parser calls <see cref="Time"/> at most once and then the attributes, and
/// calls nothing at all for a line it rejects (it validates the whole line before it emits).
/// Implementations: the OTLP record encoder (Delivery) and the JSON writer of <c>telemetry-agent parse</c>.
/// </summary>
public interface IRecordSink
{
    /// <summary>The time the line was logged.</summary>
    void Time(in LogTime time);

    /// <summary>A string attribute. <paramref name="utf8Value"/> is what the line holds after the format's
    /// own unescaping; it may be invalid UTF-8, which the sink repairs.</summary>
    void String(AttributeKey key, ReadOnlySpan<byte> utf8Value);

    void Int(AttributeKey key, long value);

    void Double(AttributeKey key, double value);
}
