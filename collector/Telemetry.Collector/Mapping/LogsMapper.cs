using System.Buffers.Text;
using System.Globalization;
using Telemetry.Collector.Configuration;
using Telemetry.Collector.Enrichment;

namespace Telemetry.Collector.Mapping;

/// <summary>
/// Maps an OTLP <c>ExportLogsServiceRequest</c>, read straight from its protobuf wire bytes, to
/// line-protocol points (docs/influxdb-schema.md): records with HTTP attributes become
/// <c>http_requests</c>, every other record <c>logs</c>. Strings are never materialized: keys and values
/// are spans of the request, and the only per-request allocations are on error paths and for routes
/// seen for the first time. Thread-safe; per-request state lives in the <see cref="MappingSession"/>.
/// </summary>
internal sealed class LogsMapper
{
    private const string TooManyRecords = "too many records";

    private readonly int _maxRecords;
    private readonly int _maxString;
    private readonly int _maxAttributes;
    private readonly RouteTemplater _routes;
    private readonly StaticTags _staticTags;

    public LogsMapper(LimitsOptions limits, RouteTemplater routes, StaticTags staticTags)
    {
        _maxRecords = limits.MaxRecordsPerRequest;
        _maxString = limits.MaxStringLength;
        _maxAttributes = limits.MaxAttributesPerRecord;
        _routes = routes;
        _staticTags = staticTags;
    }

    public int MaxAttributes => _maxAttributes;

    /// <summary>Maps <paramref name="request"/> into <paramref name="session"/>'s buffer.</summary>
    /// <param name="receiveUnixNanos">Time of a record that carries neither time nor observed time.</param>
    public MappingResult Map(ReadOnlySpan<byte> request, MappingSession session, long receiveUnixNanos)
    {
        session.Reset();
        var reader = new ProtoReader(request);
        var index = 0;
        while (reader.TryReadNext(1, out var start, out var length))
        {
            var error = MapResourceLogs(request, start, length, session, receiveUnixNanos);
            if (error is not null)
            {
                session.Output.Clear();
                return ReferenceEquals(error, TooManyRecords)
                    ? MappingResult.Failed(session.Received, string.Create(
                        CultureInfo.InvariantCulture,
                        $"the request holds more than {_maxRecords} log records (limits.max_records_per_request); split it into smaller batches"))
                    : MappingResult.Failed(session.Received, string.Create(CultureInfo.InvariantCulture, $"ExportLogsServiceRequest.resource_logs[{index}]{error}"));
            }

            index++;
        }

        if (reader.Error is not null)
        {
            session.Output.Clear();
            return MappingResult.Failed(session.Received, "ExportLogsServiceRequest" + Describe(ref reader));
        }

        return session.Result();
    }

    private static string Describe(ref ProtoReader reader) =>
        string.Create(CultureInfo.InvariantCulture, $": {reader.Error} at byte {reader.ErrorPosition}");

    private static string Prefix(string element, int index, string tail) =>
        ReferenceEquals(tail, TooManyRecords) ? tail : string.Create(CultureInfo.InvariantCulture, $".{element}[{index}]{tail}");

    private string? MapResourceLogs(ReadOnlySpan<byte> request, int start, int length, MappingSession session, long now)
    {
        // Pass 1: the resource (host, service), wherever it sits in the message.
        var resource = default(ResourceTags);
        var reader = new ProtoReader(request, start, start + length);
        while (reader.TryReadNext(1, out var s, out var l))
        {
            var error = ReadResource(request, s, l, ref resource);
            if (error is not null)
            {
                return ".resource" + error;
            }
        }

        if (reader.Error is not null)
        {
            return Describe(ref reader);
        }

        // Pass 2: the scopes and their records.
        reader = new ProtoReader(request, start, start + length);
        var index = 0;
        while (reader.TryReadNext(2, out var s, out var l))
        {
            var error = MapScopeLogs(request, s, l, session, resource, now);
            if (error is not null)
            {
                return Prefix("scope_logs", index, error);
            }

            index++;
        }

        return reader.Error is null ? null : Describe(ref reader);
    }

    private static string? ReadResource(ReadOnlySpan<byte> request, int start, int length, ref ResourceTags resource)
    {
        var reader = new ProtoReader(request, start, start + length);
        while (reader.TryReadNext(1, out var s, out var l))
        {
            if (!OtlpValue.TryDecodeKeyValue(request, s, l, out var keyStart, out var keyLength, out var value, ref reader))
            {
                break;
            }

            if (value.Kind != OtlpValueKind.String)
            {
                continue;
            }

            var key = request.Slice(keyStart, keyLength);
            if (key.SequenceEqual("host.name"u8))
            {
                resource.HostStart = value.Start;
                resource.HostLength = value.Length;
            }
            else if (key.SequenceEqual("service.name"u8))
            {
                resource.ServiceStart = value.Start;
                resource.ServiceLength = value.Length;
            }
        }

        return reader.Error is null ? null : Describe(ref reader);
    }

    private string? MapScopeLogs(ReadOnlySpan<byte> request, int start, int length, MappingSession session, in ResourceTags resource, long now)
    {
        var reader = new ProtoReader(request, start, start + length);
        var index = 0;
        while (reader.TryReadNext(2, out var s, out var l))
        {
            if (++session.Received > _maxRecords)
            {
                return TooManyRecords;
            }

            var error = MapLogRecord(request, s, l, session, resource, now);
            if (error is not null)
            {
                return Prefix("log_records", index, error);
            }

            index++;
        }

        return reader.Error is null ? null : Describe(ref reader);
    }

    private string? MapLogRecord(ReadOnlySpan<byte> request, int start, int length, MappingSession session, in ResourceTags resource, long now)
    {
        var record = default(RecordFields);
        var attributes = session.Attributes;
        var count = 0;
        var reader = new ProtoReader(request, start, start + length);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1 or 11:
                    if (wireType != WireType.Fixed64)
                    {
                        reader.FailWireType(field, wireType, WireType.Fixed64);
                        break;
                    }

                    if (reader.TryReadFixed64(out var nanos))
                    {
                        if (field == 1)
                        {
                            record.Time = nanos;
                        }
                        else
                        {
                            record.ObservedTime = nanos;
                        }
                    }

                    break;
                case 2 or 7:
                    if (wireType != WireType.Varint)
                    {
                        reader.FailWireType(field, wireType, WireType.Varint);
                        break;
                    }

                    if (reader.TryReadVarint(out var number) && field == 2)
                    {
                        record.Severity = unchecked((long)number);
                    }

                    break;
                case 8:
                    if (wireType != WireType.Fixed32)
                    {
                        reader.FailWireType(field, wireType, WireType.Fixed32);
                        break;
                    }

                    reader.TryReadFixed32(out _);
                    break;
                case 3 or 5 or 6 or 9 or 10 or 12:
                    if (wireType != WireType.LengthDelimited)
                    {
                        reader.FailWireType(field, wireType, WireType.LengthDelimited);
                        break;
                    }

                    if (!reader.TryReadLengthDelimited(out var s, out var l))
                    {
                        break;
                    }

                    switch (field)
                    {
                        case 3:
                            record.SeverityText = new Range(s, s + l);
                            break;
                        case 5:
                            record.HasBody = OtlpValue.TryDecode(request, s, l, out record.Body, ref reader);
                            break;
                        case 6:
                            if (!OtlpValue.TryDecodeKeyValue(request, s, l, out var keyStart, out var keyLength, out var value, ref reader))
                            {
                                break;
                            }

                            if (count < attributes.Length)
                            {
                                ref var slot = ref attributes[count];
                                slot.KeyStart = keyStart;
                                slot.KeyLength = keyLength;
                                slot.Value = value;
                            }

                            count++;
                            break;
                        case 9:
                            record.TraceId = new Range(s, s + l);
                            break;
                        case 10:
                            record.SpanId = new Range(s, s + l);
                            break;
                        default:
                            record.EventName = new Range(s, s + l);
                            break;
                    }

                    break;
                default:
                    reader.TrySkip(field, wireType);
                    break;
            }

            if (reader.Error is not null)
            {
                break;
            }
        }

        if (reader.Error is not null)
        {
            return Describe(ref reader);
        }

        if (count > _maxAttributes)
        {
            session.Reject(string.Create(
                CultureInfo.InvariantCulture,
                $"a log record has {count} attributes, more than limits.max_attributes_per_record ({_maxAttributes})"));
            return null;
        }

        var isHttp = Classify(request, attributes.AsSpan(0, count));
        var time = record.Time is > 0 and <= long.MaxValue ? (long)record.Time
            : record.ObservedTime is > 0 and <= long.MaxValue ? (long)record.ObservedTime
            : now + session.Received - 1; // distinct per record, so records without time never overwrite each other

        return isHttp
            ? WriteHttpRequest(request, session, resource, attributes.AsSpan(0, count), time)
            : WriteLog(request, session, resource, record, attributes.AsSpan(0, count), time);
    }

    /// <summary>Assigns each attribute its role, marks repeated keys (the first wins) and tells whether
    /// the record is an HTTP request.</summary>
    private static bool Classify(ReadOnlySpan<byte> request, Span<AttributeSlot> attributes)
    {
        var isHttp = false;

        // A 64-bit signature set over (length, last byte) of the keys seen: a key whose signature bit is not
        // yet set cannot be a repeat, so the pairwise comparison runs only on a signature collision.
        var seen = 0UL;
        for (var i = 0; i < attributes.Length; i++)
        {
            ref var slot = ref attributes[i];
            var key = request.Slice(slot.KeyStart, slot.KeyLength);
            var role = HttpAttributeNames.Classify(key);
            isHttp |= role is HttpAttribute.Method or HttpAttribute.StatusCode or HttpAttribute.UrlPath;
            slot.Role = HttpAttributeNames.HasExpectedType(role, slot.Value) ? role : HttpAttribute.None;
            slot.Duplicate = false;
            var bit = 1UL << (((key.Length * 7) + (key.IsEmpty ? 0 : key[^1])) & 63);
            if ((seen & bit) == 0)
            {
                seen |= bit;
                continue;
            }

            for (var j = 0; j < i; j++)
            {
                ref var other = ref attributes[j];
                if (other.KeyLength == slot.KeyLength
                    && (slot.KeyLength == 0 || request[other.KeyStart] == request[slot.KeyStart])
                    && request.Slice(other.KeyStart, other.KeyLength).SequenceEqual(key))
                {
                    slot.Duplicate = true;
                    break;
                }
            }
        }

        return isHttp;
    }

    private string? WriteHttpRequest(ReadOnlySpan<byte> request, MappingSession session, in ResourceTags resource, ReadOnlySpan<AttributeSlot> attributes, long time)
    {
        int method = -1, status = -1, path = -1, query = -1, client = -1, userAgent = -1, referer = -1, bytes = -1, duration = -1, vhost = -1;
        for (var i = 0; i < attributes.Length; i++)
        {
            if (attributes[i].Duplicate)
            {
                continue;
            }

            switch (attributes[i].Role)
            {
                case HttpAttribute.Method: method = i; break;
                case HttpAttribute.StatusCode: status = i; break;
                case HttpAttribute.UrlPath: path = i; break;
                case HttpAttribute.UrlQuery: query = i; break;
                case HttpAttribute.ClientAddress: client = i; break;
                case HttpAttribute.UserAgent: userAgent = i; break;
                case HttpAttribute.Referer: referer = i; break;
                case HttpAttribute.BodySize: bytes = i; break;
                case HttpAttribute.Duration: duration = i; break;
                case HttpAttribute.ServerAddress: vhost = i; break;
            }
        }

        var encoder = session.Encoder;
        encoder.Begin("http_requests"u8);
        WriteResourceTags(request, session, resource);
        if (vhost >= 0)
        {
            encoder.Tag("vhost"u8, Truncate(attributes[vhost].Value.Bytes(request), session));
        }

        var methodValue = method >= 0 ? Truncate(attributes[method].Value.Bytes(request), session) : default;
        var knownMethod = method < 0 || HttpAttributeNames.IsKnownMethod(methodValue);
        if (method >= 0)
        {
            encoder.Tag("method"u8, knownMethod ? methodValue : "OTHER"u8);
        }

        if (status >= 0)
        {
            var code = attributes[status].Value.Int;
            Span<byte> digits = stackalloc byte[20];
            Utf8Formatter.TryFormat(code, digits, out var written);
            encoder.Tag("status"u8, digits[..written]);
            encoder.Tag("status_class"u8, StatusClassifier.Classify(code));
        }

        var userAgentValue = userAgent >= 0 ? Truncate(attributes[userAgent].Value.Bytes(request), session) : default;
        if (userAgent >= 0)
        {
            encoder.Tag("ua_class"u8, UserAgentClassifier.Classify(userAgentValue));
        }

        var pathValue = path >= 0 ? Truncate(attributes[path].Value.Bytes(request), session) : default;
        if (path >= 0)
        {
            encoder.Tag("route"u8, _routes.Template(pathValue, session.RouteScratch));
        }

        _staticTags.WriteTo(encoder);

        if (path >= 0)
        {
            encoder.Field("path"u8, pathValue);
        }

        if (query >= 0)
        {
            var q = Truncate(attributes[query].Value.Bytes(request), session);
            encoder.Field("query"u8, q.StartsWith((byte)'?') ? q[1..] : q);
        }

        if (client >= 0)
        {
            encoder.Field("client"u8, Truncate(attributes[client].Value.Bytes(request), session));
        }

        if (userAgent >= 0)
        {
            encoder.Field("user_agent"u8, userAgentValue);
        }

        if (referer >= 0)
        {
            encoder.Field("referer"u8, Truncate(attributes[referer].Value.Bytes(request), session));
        }

        if (status >= 0)
        {
            encoder.Field("status_code"u8, attributes[status].Value.Int);
        }

        if (bytes >= 0)
        {
            encoder.Field("bytes"u8, attributes[bytes].Value.Int);
        }

        if (duration >= 0)
        {
            ref readonly var d = ref attributes[duration].Value;
            encoder.Field("duration"u8, d.Kind == OtlpValueKind.Int ? d.Int : d.Double);
        }

        if (!knownMethod)
        {
            encoder.Field("method_original"u8, methodValue);
        }

        for (var i = 0; i < attributes.Length; i++)
        {
            if (attributes[i].Role == HttpAttribute.None && !attributes[i].Duplicate)
            {
                var error = WriteAttributeField(request, session, attributes[i], http: true);
                if (error is not null)
                {
                    return error;
                }
            }
        }

        Finish(session, time, http: true);
        return null;
    }

    private string? WriteLog(ReadOnlySpan<byte> request, MappingSession session, in ResourceTags resource, in RecordFields record, ReadOnlySpan<AttributeSlot> attributes, long time)
    {
        var encoder = session.Encoder;
        encoder.Begin("logs"u8);
        WriteResourceTags(request, session, resource);
        var (severityStart, severityLength) = record.SeverityText.GetOffsetAndLength(request.Length);
        if (severityLength > 0)
        {
            encoder.Tag("severity"u8, Truncate(request.Slice(severityStart, severityLength), session));
        }
        else
        {
            encoder.Tag("severity"u8, SeverityNames.Of(record.Severity));
        }

        _staticTags.WriteTo(encoder);

        if (!record.HasBody || record.Body.Kind is OtlpValueKind.None)
        {
            encoder.Field("body"u8, ReadOnlySpan<byte>.Empty);
        }
        else if (record.Body.Kind == OtlpValueKind.String)
        {
            encoder.Field("body"u8, Truncate(record.Body.Bytes(request), session));
        }
        else
        {
            var sink = new ProtoReader(request, 0, 0);
            session.Scratch.Clear();
            if (!AnyValueJsonWriter.TryWrite(request, record.Body, session.Scratch, ref sink))
            {
                encoder.Abandon();
                return ".body" + Describe(ref sink);
            }

            encoder.Field("body"u8, Truncate(session.Scratch.WrittenSpan, session));
        }

        for (var i = 0; i < attributes.Length; i++)
        {
            if (!attributes[i].Duplicate)
            {
                var error = WriteAttributeField(request, session, attributes[i], http: false);
                if (error is not null)
                {
                    return error;
                }
            }
        }

        WriteHexField(request, session, "trace_id"u8, record.TraceId);
        WriteHexField(request, session, "span_id"u8, record.SpanId);
        var (eventStart, eventLength) = record.EventName.GetOffsetAndLength(request.Length);
        if (eventLength > 0)
        {
            encoder.Field("event_name"u8, Truncate(request.Slice(eventStart, eventLength), session));
        }

        Finish(session, time, http: false);
        return null;
    }

    private static void Finish(MappingSession session, long time, bool http)
    {
        if (session.Encoder.End(time))
        {
            session.Points++;
            if (http)
            {
                session.HttpPoints++;
            }
            else
            {
                session.LogPoints++;
            }
        }
        else
        {
            session.Reject("a log record had no value InfluxDB can store (every field was empty or not finite)");
        }
    }

    private static void WriteHexField(ReadOnlySpan<byte> request, MappingSession session, ReadOnlySpan<byte> key, Range range)
    {
        var (start, length) = range.GetOffsetAndLength(request.Length);
        if (length == 0)
        {
            return;
        }

        session.Scratch.Clear();
        AnyValueJsonWriter.WriteHex(session.Scratch, request.Slice(start, length));
        session.Encoder.Field(key, session.Scratch.WrittenSpan);
    }

    private void WriteResourceTags(ReadOnlySpan<byte> request, MappingSession session, in ResourceTags resource)
    {
        if (resource.HostLength > 0)
        {
            session.Encoder.Tag("host"u8, Truncate(request.Slice(resource.HostStart, resource.HostLength), session));
        }

        if (resource.ServiceLength > 0)
        {
            session.Encoder.Tag("service"u8, Truncate(request.Slice(resource.ServiceStart, resource.ServiceLength), session));
        }
    }

    private string? WriteAttributeField(ReadOnlySpan<byte> request, MappingSession session, in AttributeSlot slot, bool http)
    {
        var key = request.Slice(slot.KeyStart, slot.KeyLength);
        if (key.IsEmpty || slot.Value.Kind == OtlpValueKind.None)
        {
            return null;
        }

        if (http ? HttpAttributeNames.IsReservedHttpField(key) : HttpAttributeNames.IsReservedLogField(key))
        {
            session.KeyScratch.Clear();
            session.KeyScratch.Write(key);
            session.KeyScratch.Write("_attr"u8);
            key = session.KeyScratch.WrittenSpan;
        }

        var encoder = session.Encoder;
        var value = slot.Value;
        switch (value.Kind)
        {
            case OtlpValueKind.String:
                encoder.Field(key, Truncate(value.Bytes(request), session));
                break;
            case OtlpValueKind.Bool:
                encoder.Field(key, value.Bool);
                break;
            case OtlpValueKind.Int:
                encoder.Field(key, value.Int);
                break;
            case OtlpValueKind.Double:
                encoder.Field(key, value.Double);
                break;
            case OtlpValueKind.Bytes:
                session.Scratch.Clear();
                AnyValueJsonWriter.WriteBase64(session.Scratch, value.Bytes(request));
                encoder.Field(key, Truncate(session.Scratch.WrittenSpan, session));
                break;
            default:
                var sink = new ProtoReader(request, 0, 0);
                session.Scratch.Clear();
                if (!AnyValueJsonWriter.TryWrite(request, value, session.Scratch, ref sink))
                {
                    encoder.Abandon();
                    return ".attributes" + Describe(ref sink);
                }

                encoder.Field(key, Truncate(session.Scratch.WrittenSpan, session));
                break;
        }

        return null;
    }

    /// <summary>Cuts a string at <c>limits.max_string_length</c> bytes, on a UTF-8 character boundary.</summary>
    private ReadOnlySpan<byte> Truncate(ReadOnlySpan<byte> value, MappingSession session)
    {
        if (value.Length <= _maxString)
        {
            return value;
        }

        var cut = _maxString;
        while (cut > 0 && (value[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        session.Truncated++;
        return value[..cut];
    }

    private struct ResourceTags
    {
        public int HostStart;
        public int HostLength;
        public int ServiceStart;
        public int ServiceLength;
    }

    private struct RecordFields
    {
        public ulong Time;
        public ulong ObservedTime;
        public long Severity;
        public Range SeverityText;
        public bool HasBody;
        public OtlpValue Body;
        public Range TraceId;
        public Range SpanId;
        public Range EventName;
    }
}
