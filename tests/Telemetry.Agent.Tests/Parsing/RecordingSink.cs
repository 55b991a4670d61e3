using System.Text;
using Telemetry.Agent.Parsing;

namespace Telemetry.Agent.Tests.Parsing;

/// <summary>Keeps what a parser emitted for one line, for assertions. Fails on a repeated key or a time after attributes.</summary>
internal sealed class RecordingSink : IRecordSink
{
    public LogTime? LogTime { get; private set; }

    public Dictionary<string, object> Attributes { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, byte[]> RawStrings { get; } = new(StringComparer.Ordinal);

    public int Calls { get; private set; }

    public void Time(in LogTime time)
    {
        Assert.Null(LogTime);
        Assert.Empty(Attributes);
        LogTime = time;
        Calls++;
    }

    public void String(AttributeKey key, ReadOnlySpan<byte> utf8Value)
    {
        Add(key, Encoding.UTF8.GetString(utf8Value));
        RawStrings[key.Name] = utf8Value.ToArray();
    }

    public void Int(AttributeKey key, long value) => Add(key, value);

    public void Double(AttributeKey key, double value) => Add(key, value);

    public void Clear()
    {
        LogTime = null;
        Attributes.Clear();
        RawStrings.Clear();
        Calls = 0;
    }

    public string Str(string key) => Assert.IsType<string>(Attributes[key]);

    public long Long(string key) => Assert.IsType<long>(Attributes[key]);

    public double Dbl(string key) => Assert.IsType<double>(Attributes[key]);

    public DateTimeOffset Instant => DateTimeOffset.UnixEpoch.AddTicks(LogTime!.Value.UnixNanos / 100);

    private void Add(AttributeKey key, object value)
    {
        Calls++;
        Assert.True(Attributes.TryAdd(key.Name, value), "attribute emitted twice: " + key.Name);
    }
}

internal static class ParserExtensions
{
    public static (ParseResult Result, RecordingSink Sink) ParseLine(this ILogParser parser, string line)
    {
        var sink = new RecordingSink();
        return (parser.Parse(Encoding.UTF8.GetBytes(line), sink), sink);
    }

    public static (ParseResult Result, RecordingSink Sink) ParseLine(this ILogParser parser, byte[] line)
    {
        var sink = new RecordingSink();
        return (parser.Parse(line, sink), sink);
    }

    public static RecordingSink Record(this ILogParser parser, string line)
    {
        var (result, sink) = parser.ParseLine(line);
        Assert.True(result.Status == ParseStatus.Record, "expected a record, got " + result.Status + ": " + result.Message);
        return sink;
    }
}
