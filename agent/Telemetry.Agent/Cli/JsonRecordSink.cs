using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Telemetry.Agent.Parsing;

namespace Telemetry.Agent.Cli;

/// <summary>
/// Writes what <c>telemetry-agent parse</c> prints for one line:
/// <c>{"line":1,"ok":true,"time":"2000-10-10T13:55:36-07:00","attributes":{...}}</c>, <c>{"line":2,"ok":false,"error":"..."}</c>
/// or <c>{"line":3,"ok":true,"directive":"Fields"}</c>. Integers are JSON numbers, invalid UTF-8 becomes U+FFFD,
/// the time keeps the line's own UTC offset. Uses <see cref="Utf8JsonWriter"/> only (Native AOT safe).
/// </summary>
internal sealed class JsonRecordSink : IRecordSink, IDisposable
{
    private static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private readonly Utf8JsonWriter _writer;
    private long _line;
    private bool _started;
    private bool _inAttributes;

    public JsonRecordSink(IBufferWriter<byte> output)
    {
        _writer = new Utf8JsonWriter(output, Options);
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>Starts a line; nothing is written until the parser emits or <see cref="EndRecord"/> is called.</summary>
    public void BeginLine(long lineNumber)
    {
        _line = lineNumber;
        _started = false;
        _inAttributes = false;
    }

    public void Time(in LogTime time)
    {
        Start();
        _writer.WriteString("time"u8, Format(time));
    }

    public void String(AttributeKey key, ReadOnlySpan<byte> utf8Value)
    {
        Attributes();
        if (System.Text.Unicode.Utf8.IsValid(utf8Value))
        {
            _writer.WriteString(key.Utf8, utf8Value);
        }
        else
        {
            _writer.WriteString(key.Utf8, Encoding.UTF8.GetString(utf8Value));
        }
    }

    public void Int(AttributeKey key, long value)
    {
        Attributes();
        _writer.WriteNumber(key.Utf8, value);
    }

    public void Double(AttributeKey key, double value)
    {
        Attributes();
        _writer.WriteNumber(key.Utf8, value);
    }

    /// <summary>Closes a parsed line's object (an empty <c>attributes</c> when the line had none).</summary>
    public void EndRecord()
    {
        Attributes();
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        Finish();
    }

    public void WriteMalformed(string reason)
    {
        Start(ok: false);
        _writer.WriteString("error"u8, reason);
        _writer.WriteEndObject();
        Finish();
    }

    public void WriteDirective(string name)
    {
        Start();
        _writer.WriteString("directive"u8, name);
        _writer.WriteEndObject();
        Finish();
    }

    /// <summary>ISO 8601 in the line's own offset, with as many fraction digits as the log's resolution.</summary>
    internal static string Format(in LogTime time)
    {
        var offset = TimeSpan.FromMinutes(time.OffsetMinutes);
        var ticks = (time.UnixNanos / 100) + DateTime.UnixEpoch.Ticks + offset.Ticks;
        var local = new DateTimeOffset(ticks, offset);
        var fraction = time.ResolutionNanos switch
        {
            >= 1_000_000_000 => string.Empty,
            >= 100_000_000 => ".f",
            >= 10_000_000 => ".ff",
            >= 1_000_000 => ".fff",
            >= 100_000 => ".ffff",
            >= 10_000 => ".fffff",
            >= 1_000 => ".ffffff",
            _ => ".fffffff",
        };
        return local.ToString("yyyy-MM-dd'T'HH:mm:ss" + fraction + "zzz", CultureInfo.InvariantCulture);
    }

    private void Start(bool ok = true)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        _writer.WriteStartObject();
        _writer.WriteNumber("line"u8, _line);
        _writer.WriteBoolean("ok"u8, ok);
    }

    private void Attributes()
    {
        Start();
        if (!_inAttributes)
        {
            _inAttributes = true;
            _writer.WriteStartObject("attributes"u8);
        }
    }

    private void Finish()
    {
        _writer.Flush();
        _writer.Reset();
    }
}
