using System.Buffers.Text;
using System.Text.Json;

namespace Telemetry.Agent.Parsing;

/// <summary>
/// Reads one JSON object per line with <see cref="Utf8JsonReader"/> (no DOM, no strings): mapped properties
/// become attributes, the time property the line's time. String bytes are taken as written (invalid UTF-8
/// is left to the sink to repair). A line that is not a JSON object is malformed.
/// </summary>
internal sealed class JsonLinesParser : ILogParser
{
    private const int MaxCachedKeys = 256;

    private readonly JsonLinesFormat _format;
    private readonly RecordBuilder _builder = new();
    private readonly List<AttributeKey> _keyCache = [];
    private byte[] _scratch = new byte[256];

    public JsonLinesParser(JsonLinesFormat format)
    {
        _format = format;
    }

    public ParseResult Parse(ReadOnlySpan<byte> line, IRecordSink sink)
    {
        _builder.Reset();
        try
        {
            var error = Read(line);
            if (error is not null)
            {
                return new ParseResult(ParseStatus.Malformed, error);
            }
        }
        catch (JsonException e)
        {
            // Utf8JsonReader reports bad JSON only by throwing; this costs on malformed lines alone.
            return new ParseResult(ParseStatus.Malformed, "not JSON: " + e.Message);
        }
        catch (InvalidOperationException e)
        {
            return new ParseResult(ParseStatus.Malformed, "not JSON: " + e.Message);
        }

        _builder.Flush(sink);
        return ParseResult.Record;
    }

    private string? Read(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 64, CommentHandling = JsonCommentHandling.Skip });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return "not a JSON object";
        }

        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            // At depth 1 the reader is on a property name.
            var isTime = false;
            foreach (var t in _format.TimeProperties)
            {
                if (reader.ValueTextEquals(t))
                {
                    isTime = true;
                    break;
                }
            }

            AttributeKey? key = null;
            var kind = JsonLinesFormat.JsonValueKind.Any;
            if (!isTime)
            {
                if (_format.KeepAll)
                {
                    key = CachedKey(ref reader);
                }
                else
                {
                    foreach (var m in _format.Mappings)
                    {
                        if (reader.ValueTextEquals(m.Property))
                        {
                            key = m.Key;
                            kind = m.Kind;
                            break;
                        }
                    }
                }
            }

            if (!reader.Read())
            {
                return "truncated JSON";
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            if (isTime)
            {
                if (!_builder.HasTime && !ReadTime(ref reader))
                {
                    return "time property is not a time in the expected format";
                }

                continue;
            }

            if (key is not null)
            {
                var error = AddValue(ref reader, key, kind);
                if (error is not null)
                {
                    return error;
                }
            }
        }

        // Anything after the object (a second value, garbage) makes the reader throw here.
        if (reader.Read())
        {
            return "text after the JSON object";
        }

        return null;
    }

    private string? AddValue(ref Utf8JsonReader reader, AttributeKey key, JsonLinesFormat.JsonValueKind kind)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.True:
                _builder.AddString(key, "true"u8);
                return null;
            case JsonTokenType.False:
                _builder.AddString(key, "false"u8);
                return null;
            case JsonTokenType.Number:
                return AddNumber(key, reader.ValueSpan, kind);
            default:
                {
                    var text = StringBytes(ref reader);
                    if (kind == JsonLinesFormat.JsonValueKind.Any)
                    {
                        _builder.AddString(key, text);
                        return null;
                    }

                    // A number written as a string ("status":"200"), as some servers do.
                    return text.IsEmpty || (text.Length == 1 && text[0] == (byte)'-') ? null : AddNumber(key, text, kind);
                }
        }
    }

    private string? AddNumber(AttributeKey key, ReadOnlySpan<byte> number, JsonLinesFormat.JsonValueKind kind)
    {
        if (kind != JsonLinesFormat.JsonValueKind.Double && Utf8Parser.TryParse(number, out long whole, out var used) && used == number.Length)
        {
            if (kind == JsonLinesFormat.JsonValueKind.Any || kind == JsonLinesFormat.JsonValueKind.Int)
            {
                _builder.AddInt(key, whole);
                return null;
            }
        }

        if (kind == JsonLinesFormat.JsonValueKind.Int)
        {
            return key.Name + " is not a whole number";
        }

        if (!Utf8Parser.TryParse(number, out double value, out var consumed) || consumed != number.Length || !double.IsFinite(value))
        {
            return key.Name + " is not a number";
        }

        _builder.AddDouble(key, value);
        return null;
    }

    private bool ReadTime(ref Utf8JsonReader reader)
    {
        var format = _format.TimeFormat;
        LogTime time;
        if (reader.TokenType == JsonTokenType.Number)
        {
            var unit = format switch
            {
                JsonTimeFormat.UnixMillis => 1_000_000L,
                JsonTimeFormat.UnixMicros => 1_000L,
                JsonTimeFormat.UnixNanos => 1L,
                JsonTimeFormat.Auto or JsonTimeFormat.UnixSeconds => CivilTime.NanosPerSecond,
                _ => 0L,
            };
            if (unit == 0 || !EpochTimeParser.TryParseWhole(reader.ValueSpan, unit, out time))
            {
                return false;
            }
        }
        else if (reader.TokenType == JsonTokenType.String)
        {
            var text = StringBytes(ref reader);
            var ok = format switch
            {
                JsonTimeFormat.Iso8601 => Iso8601TimeParser.TryParse(text, out time) == text.Length,
                JsonTimeFormat.Clf => TryClf(text, out time),
                JsonTimeFormat.Auto => Iso8601TimeParser.TryParse(text, out time) == text.Length || TryClf(text, out time)
                    || EpochTimeParser.TryParseWhole(text, CivilTime.NanosPerSecond, out time),
                JsonTimeFormat.UnixSeconds => EpochTimeParser.TryParseWhole(text, CivilTime.NanosPerSecond, out time),
                JsonTimeFormat.UnixMillis => EpochTimeParser.TryParseWhole(text, 1_000_000, out time),
                JsonTimeFormat.UnixMicros => EpochTimeParser.TryParseWhole(text, 1_000, out time),
                _ => EpochTimeParser.TryParseWhole(text, 1, out time),
            };
            if (!ok || time.UnixNanos == 0 && text.IsEmpty)
            {
                return false;
            }
        }
        else
        {
            return reader.TokenType == JsonTokenType.Null;
        }

        _builder.SetTime(time);
        return true;
    }

    private static bool TryClf(ReadOnlySpan<byte> text, out LogTime time)
    {
        if (text.Length == ClfTimeParser.Length + 2 && text[0] == (byte)'[' && text[^1] == (byte)']')
        {
            text = text[1..^1];
        }

        time = default;
        return text.Length == ClfTimeParser.Length && ClfTimeParser.TryParse(text, out time);
    }

    /// <summary>The string token's bytes with JSON escapes undone, without UTF-8 validation.</summary>
    private ReadOnlySpan<byte> StringBytes(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            return raw;
        }

        if (_scratch.Length < raw.Length)
        {
            _scratch = new byte[Math.Max(raw.Length, _scratch.Length * 2)];
        }

        var n = ValueUnescaper.Unescape(raw, _scratch, EscapeMode.Json, plusIsSpace: false);
        return _scratch.AsSpan(0, n);
    }

    private AttributeKey CachedKey(ref Utf8JsonReader reader)
    {
        var name = StringBytes(ref reader);
        foreach (var k in _keyCache)
        {
            if (name.SequenceEqual(k.Utf8))
            {
                return k;
            }
        }

        var key = new AttributeKey(name.IsEmpty ? "_" : System.Text.Encoding.UTF8.GetString(name));
        if (_keyCache.Count < MaxCachedKeys)
        {
            _keyCache.Add(key);
        }

        return key;
    }
}
