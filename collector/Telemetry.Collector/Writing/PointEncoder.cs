using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Unicode;

namespace Telemetry.Collector.Writing;

/// <summary>
/// Encodes points in InfluxDB line protocol into a <see cref="LineBuffer"/>, one point per call sequence
/// <c>Begin → Tag* → Field* → End</c>. Escaping follows what InfluxDB 1.x and 2.x parse (see
/// docs/influxdb-schema.md, "Encoding policy"):
/// <list type="bullet">
/// <item>measurement, tag keys, tag values, field keys: <c>,</c> <c>=</c> and space are escaped (InfluxDB 1.6.7
/// unescapes all three in every one of these positions, measurement included);</item>
/// <item>string field values: <c>"</c> and <c>\</c> are escaped, everything else (newlines too) is written raw;</item>
/// <item>a tag value InfluxDB cannot store (it contains CR, LF or NUL, or ends in a backslash, which InfluxDB reads as
/// escaping the separator after it) is written as the string field <c>&lt;key&gt;_raw</c> instead, so nothing is lost;</item>
/// <item>names (measurement, keys) are schema, not data: control characters become <c>_</c>, a backslash
/// followed by a separator or ending the name gets <c>_</c> after it, a measurement starting with <c>#</c> (a comment line to InfluxDB)
/// gets <c>_</c> prepended, the key <c>time</c> becomes <c>time_</c>;</item>
/// <item>invalid UTF-8 is replaced by U+FFFD; empty tag values and non-finite floats are not written.</item>
/// </list>
/// An instance is reused for many points and is not thread-safe.
/// </summary>
public sealed class PointEncoder : IDisposable
{
    private static ReadOnlySpan<byte> RawSuffix => "_raw"u8;

    /// <summary>Bytes that send a name or tag value down the byte-by-byte path: separators, backslash,
    /// control characters.</summary>
    private static readonly SearchValues<byte> NeedsEscaping = SearchValues.Create(
        ",= \\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F"u8);

    /// <summary><see cref="NeedsEscaping"/> plus every non-ASCII byte: a name or tag value without any of
    /// these is valid UTF-8, storable and escape-free, and is copied as it is after one vectorized scan.</summary>
    private static readonly SearchValues<byte> NotPlainName = SearchValues.Create(PlainNameExclusions());

    /// <summary>Bytes that send a string field value down the slow path: <c>"</c>, <c>\</c> and every non-ASCII
    /// byte (which needs UTF-8 validation).</summary>
    private static readonly SearchValues<byte> NotPlainString = SearchValues.Create(PlainStringExclusions());

    private readonly LineBuffer _output;
    private readonly LineBuffer _deferred = new(256);
    private int _pointStart = -1;
    private int _fieldCount;
    private bool _hasDeferred;

    public PointEncoder(LineBuffer output)
    {
        _output = output;
    }

    /// <summary>The buffer points are written to.</summary>
    public LineBuffer Output => _output;

    /// <summary>Starts a point. An unfinished previous point is abandoned.</summary>
    public void Begin(ReadOnlySpan<byte> measurement)
    {
        if (_pointStart >= 0)
        {
            Abandon();
        }

        if (measurement.IsEmpty)
        {
            throw new ArgumentException("A measurement name must not be empty.", nameof(measurement));
        }

        _pointStart = _output.Length;
        _fieldCount = 0;
        _hasDeferred = false;
        _deferred.Clear();
        WriteName(_output, measurement, NameKind.Measurement);
    }

    public void Begin(ReadOnlySpan<char> measurement) => WithUtf8(measurement, this, static (self, m) => self.Begin(m));

    /// <summary>Adds a tag. Must come before any field. An empty value writes nothing.</summary>
    public void Tag(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        EnsureStarted();
        if (_fieldCount > 0)
        {
            throw new InvalidOperationException("Tags must be written before fields.");
        }

        if (key.IsEmpty || value.IsEmpty)
        {
            return;
        }

        if (!value.ContainsAny(NotPlainName))
        {
            // Plain ASCII without separators, backslashes or control characters: valid, storable, nothing to escape.
            _output.Write((byte)',');
            WriteName(_output, key, NameKind.Key);
            _output.Write((byte)'=');
            _output.Write(value);
            return;
        }

        if (!Utf8.IsValid(value) || !IsStorableTagValue(value))
        {
            // InfluxDB cannot hold this value as a tag: keep it, as a string field.
            _deferred.Write((byte)',');
            WriteName(_deferred, key, NameKind.Key);
            _deferred.Write(RawSuffix);
            _deferred.Write((byte)'=');
            WriteStringValue(_deferred, value);
            _hasDeferred = true;
            return;
        }

        _output.Write((byte)',');
        WriteName(_output, key, NameKind.Key);
        _output.Write((byte)'=');
        WriteEscaped(_output, value, NameKind.Key);
    }

    public void Tag(ReadOnlySpan<char> key, ReadOnlySpan<char> value)
    {
        var k = Rent(key, out var kLen);
        var v = Rent(value, out var vLen);
        try
        {
            Tag(k.AsSpan(0, kLen), v.AsSpan(0, vLen));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(k);
            ArrayPool<byte>.Shared.Return(v);
        }
    }

    /// <summary>Adds a string field.</summary>
    public void Field(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (!StartField(key))
        {
            return;
        }

        WriteStringValue(_output, value);
    }

    public void Field(ReadOnlySpan<char> key, ReadOnlySpan<char> value)
    {
        var k = Rent(key, out var kLen);
        var v = Rent(value, out var vLen);
        try
        {
            Field(k.AsSpan(0, kLen), v.AsSpan(0, vLen));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(k);
            ArrayPool<byte>.Shared.Return(v);
        }
    }

    /// <summary>Adds an integer field (<c>123i</c>).</summary>
    public void Field(ReadOnlySpan<byte> key, long value)
    {
        if (!StartField(key))
        {
            return;
        }

        var span = _output.GetSpan(21);
        Utf8Formatter.TryFormat(value, span, out var written);
        span[written++] = (byte)'i';
        _output.Advance(written);
    }

    public void Field(ReadOnlySpan<char> key, long value) => WithUtf8(key, (this, value), static (s, k) => s.Item1.Field(k, s.value));

    /// <summary>Adds a float field. NaN and infinities cannot be stored: nothing is written and false is returned.</summary>
    public bool Field(ReadOnlySpan<byte> key, double value)
    {
        if (!double.IsFinite(value))
        {
            return false;
        }

        if (!StartField(key))
        {
            return false;
        }

        _output.Advance(RoundTripDouble.Format(value, _output.GetSpan(RoundTripDouble.MaxLength)));
        return true;
    }

    public bool Field(ReadOnlySpan<char> key, double value)
    {
        var k = Rent(key, out var kLen);
        try
        {
            return Field(k.AsSpan(0, kLen), value);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(k);
        }
    }

    /// <summary>Adds a boolean field.</summary>
    public void Field(ReadOnlySpan<byte> key, bool value)
    {
        if (!StartField(key))
        {
            return;
        }

        _output.Write(value ? "true"u8 : "false"u8);
    }

    public void Field(ReadOnlySpan<char> key, bool value) => WithUtf8(key, (this, value), static (s, k) => s.Item1.Field(k, s.value));

    /// <summary>Finishes the point with its timestamp in nanoseconds since the Unix epoch. A point without
    /// any field cannot be stored: it is rolled back and false is returned.</summary>
    public bool End(long unixNanos)
    {
        EnsureStarted();
        if (_hasDeferred)
        {
            var deferred = _deferred.WrittenSpan;
            if (_fieldCount == 0)
            {
                _output.Write((byte)' ');
                _output.Write(deferred[1..]);
            }
            else
            {
                _output.Write(deferred);
            }

            _fieldCount++;
        }

        if (_fieldCount == 0)
        {
            Abandon();
            return false;
        }

        _output.Write((byte)' ');
        var span = _output.GetSpan(21);
        Utf8Formatter.TryFormat(unixNanos, span, out var written);
        _output.Advance(written);
        _output.Write((byte)'\n');
        _pointStart = -1;
        return true;
    }

    /// <summary>Rolls back the point being written.</summary>
    public void Abandon()
    {
        if (_pointStart >= 0)
        {
            _output.Truncate(_pointStart);
            _pointStart = -1;
        }
    }

    public void Dispose() => _deferred.Dispose();

    /// <summary>True when InfluxDB stores <paramref name="value"/> unchanged as a tag value. InfluxDB 1.x takes
    /// any separator preceded by a backslash as escaped, so a value ending in a backslash (whatever the length
    /// of the run) would swallow the separator after it; CR and LF end the line; NUL is stored, but InfluxQL's
    /// GROUP BY uses it as its own separator and then files points under the wrong series (seen on 1.6.7).</summary>
    public static bool IsStorableTagValue(ReadOnlySpan<byte> value) =>
        value.IndexOfAny((byte)'\n', (byte)'\r', (byte)0) < 0 && (value.IsEmpty || value[^1] != (byte)'\\');

    private bool StartField(ReadOnlySpan<byte> key)
    {
        EnsureStarted();
        if (key.IsEmpty)
        {
            return false;
        }

        _output.Write(_fieldCount == 0 ? (byte)' ' : (byte)',');
        _fieldCount++;
        WriteName(_output, key, NameKind.Key);
        _output.Write((byte)'=');
        return true;
    }

    private void EnsureStarted()
    {
        if (_pointStart < 0)
        {
            throw new InvalidOperationException("Begin must be called before writing a point.");
        }
    }

    private static void WriteStringValue(LineBuffer output, ReadOnlySpan<byte> value)
    {
        if (!value.ContainsAny(NotPlainString))
        {
            // ASCII without quotes or backslashes: valid UTF-8 with nothing to escape, copied in one block.
            var span = output.GetSpan(value.Length + 2);
            span[0] = (byte)'"';
            value.CopyTo(span[1..]);
            span[value.Length + 1] = (byte)'"';
            output.Advance(value.Length + 2);
            return;
        }

        output.Write((byte)'"');
        if (!Utf8.IsValid(value))
        {
            var sanitized = Sanitize(value, out var length);
            try
            {
                WriteStringEscaped(output, sanitized.AsSpan(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(sanitized);
            }
        }
        else
        {
            WriteStringEscaped(output, value);
        }

        output.Write((byte)'"');
    }

    private static void WriteStringEscaped(LineBuffer output, ReadOnlySpan<byte> value)
    {
        while (true)
        {
            var i = value.IndexOfAny((byte)'"', (byte)'\\');
            if (i < 0)
            {
                output.Write(value);
                return;
            }

            output.Write(value[..i]);
            output.Write((byte)'\\');
            output.Write(value[i]);
            value = value[(i + 1)..];
        }
    }

    private static void WriteName(LineBuffer output, ReadOnlySpan<byte> name, NameKind kind)
    {
        if (kind == NameKind.Key && name.SequenceEqual("time"u8))
        {
            output.Write("time_"u8);
            return;
        }

        if (!name.ContainsAny(NotPlainName) && (kind == NameKind.Key || name[0] != (byte)'#'))
        {
            // The common case (schema keys, attribute keys, measurement names): nothing to replace or escape.
            output.Write(name);
            return;
        }

        if (!Utf8.IsValid(name))
        {
            var sanitized = Sanitize(name, out var length);
            try
            {
                WriteEscaped(output, sanitized.AsSpan(0, length), kind, isName: true);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(sanitized);
            }

            return;
        }

        WriteEscaped(output, name, kind, isName: true);
    }

    private static void WriteEscaped(LineBuffer output, ReadOnlySpan<byte> value, NameKind kind, bool isName = false)
    {
        if (isName && kind == NameKind.Measurement && !value.IsEmpty && value[0] == (byte)'#')
        {
            // A line starting with '#' is a comment to InfluxDB: the point would vanish without an error.
            output.Write((byte)'_');
        }

        if (!value.ContainsAny(NeedsEscaping))
        {
            // The common case (host names, methods, routes, attribute keys): nothing to escape or replace.
            output.Write(value);
            return;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var b = value[i];
            if (isName && (b < 0x20 || b == 0x7F))
            {
                output.Write((byte)'_');
                continue;
            }

            if (IsSeparator(b))
            {
                output.Write((byte)'\\');
            }

            output.Write(b);
            if (isName && b == (byte)'\\' && (i + 1 == value.Length || (value[i + 1] != (byte)'\\' && IsSeparator(value[i + 1]))))
            {
                // InfluxDB reads a backslash next to a separator (or at the end, next to the one after the
                // name) as an escape whatever the run length: keep them apart.
                output.Write((byte)'_');
            }
        }
    }

    private static byte[] PlainNameExclusions()
    {
        var bytes = new List<byte>(",= \\\u007F"u8.ToArray());
        for (var b = 0; b < 0x20; b++)
        {
            bytes.Add((byte)b);
        }

        for (var b = 0x80; b <= 0xFF; b++)
        {
            bytes.Add((byte)b);
        }

        return [.. bytes];
    }

    private static byte[] PlainStringExclusions()
    {
        var bytes = new List<byte> { (byte)'"', (byte)'\\' };
        for (var b = 0x80; b <= 0xFF; b++)
        {
            bytes.Add((byte)b);
        }

        return [.. bytes];
    }

    /// <summary>InfluxDB 1.x unescapes ',' '=' and space in measurements, tag keys/values and field keys.</summary>
    private static bool IsSeparator(byte b) => b == (byte)',' || b == (byte)' ' || b == (byte)'=';

    private static byte[] Sanitize(ReadOnlySpan<byte> invalidUtf8, out int length)
    {
        // Decoding with replacement turns each invalid sequence into U+FFFD.
        var text = Encoding.UTF8.GetString(invalidUtf8);
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        length = Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    private static byte[] Rent(ReadOnlySpan<char> text, out int length)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        length = Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    private static void WithUtf8<TState>(ReadOnlySpan<char> text, TState state, Utf8Action<TState> action)
    {
        var bytes = Rent(text, out var length);
        try
        {
            action(state, bytes.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private delegate void Utf8Action<in TState>(TState state, ReadOnlySpan<byte> utf8);

    private enum NameKind
    {
        Measurement,
        Key,
    }
}
