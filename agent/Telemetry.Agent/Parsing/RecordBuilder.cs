namespace Telemetry.Agent.Parsing;

/// <summary>
/// Holds one line's time and attributes while the parser is still validating it, so that a line rejected
/// half-way emits nothing. String values are copied (after unescaping) into a reusable arena: after the
/// first few lines nothing here allocates. One per parser; not thread-safe.
/// </summary>
internal sealed class RecordBuilder
{
    private Entry[] _entries = new Entry[32];
    private byte[] _arena = new byte[4096];
    private int _count;
    private int _used;
    private bool _hasTime;
    private LogTime _time;

    public int Count => _count;

    public bool HasTime => _hasTime;

    public LogTime LogTime => _time;

    public void Reset()
    {
        _count = 0;
        _used = 0;
        _hasTime = false;
    }

    public void SetTime(in LogTime time)
    {
        _time = time;
        _hasTime = true;
    }

    /// <summary>Adds a fraction of a second to the time already set (Apache <c>%{msec_frac}t</c>).</summary>
    public void RefineTime(long addNanos, long resolutionNanos)
    {
        if (_hasTime)
        {
            _time = new LogTime(_time.UnixNanos + addNanos, _time.OffsetMinutes, resolutionNanos);
        }
    }

    /// <summary>Re-reads the time already set (taken as local wall-clock time) at another UTC offset.</summary>
    public void ApplyOffset(int offsetMinutes)
    {
        if (_hasTime)
        {
            var wall = _time.UnixNanos + (_time.OffsetMinutes * 60 * CivilTime.NanosPerSecond);
            _time = new LogTime(wall - (offsetMinutes * 60 * CivilTime.NanosPerSecond), (short)offsetMinutes, _time.ResolutionNanos);
        }
    }

    public void AddString(AttributeKey key, ReadOnlySpan<byte> value)
    {
        var span = Reserve(value.Length);
        value.CopyTo(span);
        Commit(key, value.Length);
    }

    /// <summary>Space for a string value written in place (unescaping); finish with <see cref="Commit"/>.</summary>
    public Span<byte> Reserve(int maxLength)
    {
        if (_arena.Length - _used < maxLength)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _used + maxLength));
        }

        return _arena.AsSpan(_used, maxLength);
    }

    /// <summary>Records a string of <paramref name="length"/> bytes written at the start of the last <see cref="Reserve"/>.</summary>
    public void Commit(AttributeKey key, int length)
    {
        ref var e = ref Next();
        e = new Entry(key, EntryKind.String, _used, length, 0, 0);
        _used += length;
    }

    public void AddInt(AttributeKey key, long value)
    {
        ref var e = ref Next();
        e = new Entry(key, EntryKind.Int, 0, 0, value, 0);
    }

    public void AddDouble(AttributeKey key, double value)
    {
        ref var e = ref Next();
        e = new Entry(key, EntryKind.Double, 0, 0, 0, value);
    }

    /// <summary>Sends the time, then the attributes in the order they were added.</summary>
    public void Flush(IRecordSink sink)
    {
        if (_hasTime)
        {
            sink.Time(_time);
        }

        for (var i = 0; i < _count; i++)
        {
            ref readonly var e = ref _entries[i];
            switch (e.Kind)
            {
                case EntryKind.String:
                    sink.String(e.Key, _arena.AsSpan(e.Start, e.Length));
                    break;
                case EntryKind.Int:
                    sink.Int(e.Key, e.IntValue);
                    break;
                default:
                    sink.Double(e.Key, e.DoubleValue);
                    break;
            }
        }
    }

    private ref Entry Next()
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        return ref _entries[_count++];
    }

    private enum EntryKind : byte
    {
        String,
        Int,
        Double,
    }

    private readonly record struct Entry(AttributeKey Key, EntryKind Kind, int Start, int Length, long IntValue, double DoubleValue);
}
