using Telemetry.Agent.Metrics;
using Telemetry.Agent.Parsing;

namespace Telemetry.Agent.Encoders;

/// <summary>
/// Turns one parsed line into an OTLP <c>LogRecord</c> in protobuf wire format, written straight from
/// the parser's spans into a reused buffer (no allocation per line).
/// <list type="bullet">
/// <item><c>time_unix_nano</c>: the logged time placed inside its resolution by <see cref="LineTimestamp"/>;
/// absent when the line has no time (the collector then uses the observed time).</item>
/// <item><c>observed_time_unix_nano</c>: when the agent read the line.</item>
/// <item>attributes: the parser's, then <c>log.file.path</c> and <c>log.file.name</c>.</item>
/// <item>body: empty for a parsed line (its content is in the attributes, which keeps points small);
/// for a line that does not match the format, the raw line with attribute <c>log.parse.error</c>.</item>
/// </list>
/// Also feeds the request aggregates (<see cref="RequestMetrics"/>) from the attributes it sees.
/// </summary>
public sealed class OtlpLogRecordEncoder : IRecordSink, IDisposable
{
    // LogRecord fields
    private const int TimeField = 1;
    private const int BodyField = 5;
    private const int AttributesField = 6;
    private const int ObservedTimeField = 11;

    // KeyValue / AnyValue fields
    private const int KeyField = 1;
    private const int ValueField = 2;
    private const int StringValue = 1;
    private const int IntValue = 3;
    private const int DoubleValue = 4;

    private static readonly byte[] FilePathKey = "log.file.path"u8.ToArray();
    private static readonly byte[] FileNameKey = "log.file.name"u8.ToArray();
    private static readonly byte[] ParseErrorKey = "log.parse.error"u8.ToArray();

    private readonly ProtoBuffer _record = new(4096);
    private readonly RequestMetrics? _requests;
    private RecordOrigin _origin;
    private RequestSample _sample;

    public OtlpLogRecordEncoder(RequestMetrics? requests = null)
    {
        _requests = requests;
    }

    /// <summary>Starts a record for the line at <paramref name="lineOffset"/> of the file described by <paramref name="origin"/>.</summary>
    public void Begin(in RecordOrigin origin)
    {
        _origin = origin;
        _record.Clear();
        _sample = default;
        _record.WriteFixed64(ObservedTimeField, (ulong)origin.ObservedUnixNanos);
    }

    /// <summary>Finishes a parsed record and returns its bytes (valid until the next <see cref="Begin"/>).</summary>
    public ReadOnlySpan<byte> End()
    {
        WriteFileAttributes();
        _requests?.Record(in _sample);
        return _record.WrittenSpan;
    }

    /// <summary>Encodes a line the format did not match: raw body plus <c>log.parse.error</c>.</summary>
    public ReadOnlySpan<byte> Malformed(in RecordOrigin origin, ReadOnlySpan<byte> line, string? reason)
    {
        Begin(origin);
        var length = Utf8Repair.RepairedLength(line);
        _record.WriteLengthPrefix(BodyField, ProtoBuffer.FieldSize(length));
        Utf8Repair.WriteStringField(_record, StringValue, line);
        var message = System.Text.Encoding.UTF8.GetBytes(reason ?? "line does not match the format");
        WriteStringAttribute(ParseErrorKey, message);
        WriteFileAttributes();
        return _record.WrittenSpan;
    }

    public void Time(in LogTime time) =>
        _record.WriteFixed64(TimeField, (ulong)LineTimestamp.Place(time.UnixNanos, time.ResolutionNanos, _origin.LineOffset, _origin.Salt));

    public void String(AttributeKey key, ReadOnlySpan<byte> utf8Value)
    {
        if (_requests is not null)
        {
            _sample.Observe(key, utf8Value);
        }

        var valueLength = Utf8Repair.RepairedLength(utf8Value);
        var anyLength = ProtoBuffer.FieldSize(valueLength);
        _record.WriteLengthPrefix(AttributesField, ProtoBuffer.FieldSize(key.Utf8.Length) + ProtoBuffer.FieldSize(anyLength));
        _record.WriteBytesField(KeyField, key.Utf8);
        _record.WriteLengthPrefix(ValueField, anyLength);
        Utf8Repair.WriteStringField(_record, StringValue, utf8Value);
    }

    public void Int(AttributeKey key, long value)
    {
        if (_requests is not null)
        {
            _sample.Observe(key, value);
        }

        var anyLength = 1 + ProtoBuffer.VarintSize((ulong)value);
        _record.WriteLengthPrefix(AttributesField, ProtoBuffer.FieldSize(key.Utf8.Length) + ProtoBuffer.FieldSize(anyLength));
        _record.WriteBytesField(KeyField, key.Utf8);
        _record.WriteLengthPrefix(ValueField, anyLength);
        _record.WriteVarintField(IntValue, (ulong)value);
    }

    public void Double(AttributeKey key, double value)
    {
        if (_requests is not null)
        {
            _sample.Observe(key, value);
        }

        _record.WriteLengthPrefix(AttributesField, ProtoBuffer.FieldSize(key.Utf8.Length) + ProtoBuffer.FieldSize(9));
        _record.WriteBytesField(KeyField, key.Utf8);
        _record.WriteLengthPrefix(ValueField, 9);
        _record.WriteDouble(DoubleValue, value);
    }

    public void Dispose() => _record.Dispose();

    private void WriteFileAttributes()
    {
        WriteStringAttribute(FilePathKey, _origin.File.PathUtf8);
        WriteStringAttribute(FileNameKey, _origin.File.NameUtf8);
    }

    private void WriteStringAttribute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var valueLength = Utf8Repair.RepairedLength(value);
        var anyLength = ProtoBuffer.FieldSize(valueLength);
        _record.WriteLengthPrefix(AttributesField, ProtoBuffer.FieldSize(key.Length) + ProtoBuffer.FieldSize(anyLength));
        _record.WriteBytesField(KeyField, key);
        _record.WriteLengthPrefix(ValueField, anyLength);
        Utf8Repair.WriteStringField(_record, StringValue, value);
    }
}
