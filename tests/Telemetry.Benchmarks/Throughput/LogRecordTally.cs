using System.Buffers.Binary;

namespace Telemetry.Benchmarks.Throughput;

/// <summary>
/// Counts the log records of OTLP <c>ExportLogsServiceRequest</c>s straight from their protobuf bytes, keeps
/// every record's <c>time_unix_nano</c> (the agent places each line at a distinct nanosecond derived from
/// its byte offset, so equal values mean the same line was delivered twice) and counts records that carry a
/// body (the agent sends a body only for lines its parser rejected). Thread-safe.
/// </summary>
public sealed class LogRecordTally
{
    private readonly Lock _lock = new();
    private long[] _times;
    private long _records;
    private long _malformed;
    private long _requests;

    public LogRecordTally(int expected)
    {
        _times = new long[Math.Max(expected, 1024)];
    }

    public long Records => Interlocked.Read(ref _records);

    public long Malformed => Interlocked.Read(ref _malformed);

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Adds one request's records; returns the total afterwards, or -1 when the bytes are not valid protobuf.</summary>
    public long Add(ReadOnlySpan<byte> request)
    {
        // Decode first (no lock), then publish the batch.
        var times = new List<long>(2048);
        long malformed = 0;
        if (!ReadRequest(request, times, ref malformed))
        {
            return -1;
        }

        lock (_lock)
        {
            var at = (int)_records;
            if (at + times.Count > _times.Length)
            {
                Array.Resize(ref _times, Math.Max(_times.Length * 2, at + times.Count));
            }

            times.CopyTo(_times, at);
            _records += times.Count;
            _malformed += malformed;
            _requests++;
            return _records;
        }
    }

    /// <summary>Distinct <c>time_unix_nano</c> values among the records so far (records without one count as distinct).</summary>
    public long Distinct()
    {
        long[] copy;
        lock (_lock)
        {
            copy = _times.AsSpan(0, (int)_records).ToArray();
        }

        Array.Sort(copy);
        long distinct = 0;
        for (var i = 0; i < copy.Length; i++)
        {
            if (i == 0 || copy[i] != copy[i - 1] || copy[i] == 0)
            {
                distinct++;
            }
        }

        return distinct;
    }

    private static bool ReadRequest(ReadOnlySpan<byte> message, List<long> times, ref long malformed)
    {
        // ExportLogsServiceRequest.resource_logs = 1 -> ResourceLogs.scope_logs = 2 -> ScopeLogs.log_records = 2.
        var reader = new ProtoFields(message);
        while (reader.Next(out var field, out var wireType, out _, out var bytes))
        {
            if (field != 1 || wireType != 2)
            {
                continue;
            }

            var resourceLogs = new ProtoFields(bytes);
            while (resourceLogs.Next(out field, out wireType, out _, out var scopeBytes))
            {
                if (field != 2 || wireType != 2)
                {
                    continue;
                }

                var scopeLogs = new ProtoFields(scopeBytes);
                while (scopeLogs.Next(out field, out wireType, out _, out var recordBytes))
                {
                    if (field == 2 && wireType == 2 && !ReadRecord(recordBytes, times, ref malformed))
                    {
                        return false;
                    }
                }

                if (!scopeLogs.Valid)
                {
                    return false;
                }
            }

            if (!resourceLogs.Valid)
            {
                return false;
            }
        }

        return reader.Valid;
    }

    private static bool ReadRecord(ReadOnlySpan<byte> record, List<long> times, ref long malformed)
    {
        long time = 0;
        var body = false;
        var reader = new ProtoFields(record);
        while (reader.Next(out var field, out var wireType, out var value, out _))
        {
            if (field == 1 && wireType == 1)
            {
                time = (long)value;
            }
            else if (field == 5 && wireType == 2)
            {
                body = true;
            }
        }

        times.Add(time);
        malformed += body ? 1 : 0;
        return reader.Valid;
    }

    /// <summary>Walks the fields of one protobuf message.</summary>
    private ref struct ProtoFields(ReadOnlySpan<byte> message)
    {
        private ReadOnlySpan<byte> _rest = message;

        public bool Valid { get; private set; } = true;

        public bool Next(out int field, out int wireType, out ulong value, out ReadOnlySpan<byte> bytes)
        {
            field = wireType = 0;
            value = 0;
            bytes = default;
            if (_rest.IsEmpty || !Valid)
            {
                return false;
            }

            if (!ReadVarint(out var tag))
            {
                return Valid = false;
            }

            field = (int)(tag >> 3);
            wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    return Valid = ReadVarint(out value);
                case 1:
                    if (_rest.Length < 8)
                    {
                        return Valid = false;
                    }

                    value = BinaryPrimitives.ReadUInt64LittleEndian(_rest);
                    _rest = _rest[8..];
                    return true;
                case 2:
                    if (!ReadVarint(out var length) || length > (ulong)_rest.Length)
                    {
                        return Valid = false;
                    }

                    bytes = _rest[..(int)length];
                    _rest = _rest[(int)length..];
                    return true;
                case 5:
                    if (_rest.Length < 4)
                    {
                        return Valid = false;
                    }

                    value = BinaryPrimitives.ReadUInt32LittleEndian(_rest);
                    _rest = _rest[4..];
                    return true;
                default:
                    return Valid = false;
            }
        }

        private bool ReadVarint(out ulong value)
        {
            value = 0;
            for (var i = 0; i < 10 && i < _rest.Length; i++)
            {
                var b = _rest[i];
                value |= (ulong)(b & 0x7F) << (7 * i);
                if (b < 0x80)
                {
                    _rest = _rest[(i + 1)..];
                    return true;
                }
            }

            return false;
        }
    }
}
