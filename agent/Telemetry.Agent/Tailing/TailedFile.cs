using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Telemetry.Agent.Batching;
using Telemetry.Agent.Checkpoints;
using Telemetry.Agent.Delivery;
using Telemetry.Agent.Encoders;
using Telemetry.Agent.Parsing;

namespace Telemetry.Agent.Tailing;

/// <summary>
/// One file being tailed, known by its identity: its open handle (kept after rename or deletion, so
/// unread lines are drained from it), its read buffer, its parser, and its delivery progress.
/// Offsets: <see cref="ResumableOffset"/> is just past the last line handed on (where a restart would
/// resume once everything before is acknowledged); <see cref="ReadOffset"/> is how far bytes were read.
/// </summary>
public sealed class TailedFile : IBatchParticipant, IDisposable
{
    private const int MinBufferBytes = 64 * 1024;

    private readonly CheckpointStore _checkpoints;
    private readonly TimeProvider _time;
    private readonly int _maxLineBytes;
    private readonly Lock _sync = new();
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private long _bufferOffset;
    private bool _skipping;
    private Fingerprint _fingerprint;

    public TailedFile(TailSource source, string path, SafeFileHandle handle, FileIdentity identity, long startOffset, bool skipFirstPartialLine, ulong salt, CheckpointStore checkpoints, TimeProvider time, int maxLineBytes)
    {
        Salt = salt;
        Source = source;
        Handle = handle;
        Identity = identity;
        Label = new FileLabel(path);
        Parser = source.Format.CreateParser();
        _checkpoints = checkpoints;
        _time = time;
        _maxLineBytes = maxLineBytes;
        _bufferOffset = startOffset;
        ResumableOffset = startOffset;
        _skipping = skipFirstPartialLine;
        Acks = new AckTracker(startOffset);
        LastActivity = time.GetTimestamp();
        _fingerprint = Fingerprint.Compute(handle, Fingerprint.Length) ?? default;
    }

    public TailSource Source { get; }

    /// <summary>Mixed into record timestamps (<see cref="Encoders.LineTimestamp"/>): the identity's salt, or the
    /// salt of the file this one is a copy of, changed at each truncation.</summary>
    public ulong Salt { get; private set; }

    /// <summary>The fingerprint taken so far (complete once the file had 1024 bytes).</summary>
    public Fingerprint Fingerprint
    {
        get
        {
            lock (_sync)
            {
                return _fingerprint;
            }
        }
    }

    public SafeFileHandle Handle { get; }

    public FileIdentity Identity { get; }

    public FileLabel Label { get; private set; }

    public ILogParser Parser { get; }

    public AckTracker Acks { get; }

    public long ResumableOffset { get; private set; }

    public long ReadOffset => _bufferOffset + _end;

    /// <summary>When no path matches this file any more (renamed out of the globs, or deleted).</summary>
    public long? RotatedAt { get; set; }

    public long LastActivity { get; private set; }

    /// <summary>Size at the last read, for the lag gauge.</summary>
    public long LastKnownLength { get; private set; }

    public bool HasPartialLine => _end > _start || _skipping;

    public string Path => Label.Path;

    public void Renamed(string path)
    {
        if (path != Label.Path)
        {
            Label = new FileLabel(path);
        }
    }

    /// <summary>Current length of the open file.</summary>
    public long Length()
    {
        LastKnownLength = RandomAccess.GetLength(Handle);
        return LastKnownLength;
    }

    /// <summary>The file is shorter than what was read, or its beginning changed (copytruncate, or a copy
    /// written over it): forget the buffer and start again at 0, with a new salt.</summary>
    public void RestartAtZero() =>
        // New content: lines at the old offsets must not land on the old lines' instants.
        RestartAt(0, new FileIdentity(Salt, 0x7472756E63617465UL).Salt);

    /// <summary>Forgets the buffer and goes on from <paramref name="offset"/> with <paramref name="salt"/>
    /// (the file now holds a copy of another file, read up to there under that salt).</summary>
    public void RestartAt(long offset, ulong salt)
    {
        _start = _end = 0;
        _bufferOffset = offset;
        _skipping = false;
        ResumableOffset = offset;
        Acks.Restart(offset);
        Salt = salt;
        lock (_sync)
        {
            _fingerprint = default;
        }

        EnsureFingerprint();
    }

    /// <summary>True when the file no longer starts with the bytes it started with when read: it was
    /// truncated and written again (a copy written over it) between two looks, perhaps to a greater length.</summary>
    public bool HeadChanged()
    {
        Fingerprint fingerprint;
        lock (_sync)
        {
            fingerprint = _fingerprint;
        }

        return fingerprint.Bytes > 0 && !fingerprint.Matches(Handle);
    }

    /// <summary>
    /// Reads what the file holds after <see cref="ReadOffset"/> and hands each complete line to
    /// <paramref name="lines"/>, stopping when the batcher has a sealed batch to publish.
    /// Returns how many bytes were consumed from the file (0 at end of file).
    /// </summary>
    public long Pump(LineHandler lines, LogBatcher batcher)
    {
        _buffer ??= ArrayPool<byte>.Shared.Rent(Math.Max(MinBufferBytes, _maxLineBytes + 1));
        long consumed = 0;
        while (!batcher.HasPending)
        {
            if (!TakeLines(lines, batcher))
            {
                break;
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _bufferOffset += _start;
                _end -= _start;
                _start = 0;
            }

            var n = RandomAccess.Read(Handle, _buffer.AsSpan(_end), _bufferOffset + _end);
            if (n == 0)
            {
                break;
            }

            _end += n;
            consumed += n;
            LastActivity = _time.GetTimestamp();
        }

        if (_end == _start && _buffer is not null && !batcher.HasPending)
        {
            // Idle at a line boundary: give the buffer back, so many quiet files cost no memory.
            _bufferOffset += _start;
            _start = _end = 0;
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }

        EnsureFingerprint();
        return consumed;
    }

    /// <summary>The file was rotated away and stayed idle: its unterminated last line is a line after all.</summary>
    public void FlushPartialLine(LineHandler lines)
    {
        if (_buffer is null || _end == _start)
        {
            _skipping = false;
            return;
        }

        if (!_skipping)
        {
            lines(this, _buffer.AsSpan(_start, _end - _start), _bufferOffset + _start, truncated: false);
        }

        _skipping = false;
        _start = _end;
        ResumableOffset = _bufferOffset + _end;
    }

    /// <returns>False when the batcher sealed a batch that must be published before going on.</returns>
    private bool TakeLines(LineHandler lines, LogBatcher batcher)
    {
        var buffer = _buffer!;
        while (_start < _end)
        {
            if (batcher.HasPending)
            {
                return false;
            }

            var window = buffer.AsSpan(_start, _end - _start);
            var newline = window.IndexOf((byte)'\n');
            if (newline < 0)
            {
                if (_skipping)
                {
                    // Still inside an over-long line that was already cut and sent: drop its rest.
                    _start = _end;
                }
                else if (window.Length > _maxLineBytes)
                {
                    lines(this, window[.._maxLineBytes], _bufferOffset + _start, truncated: true);
                    _skipping = true;
                    _start = _end;
                }

                return true;
            }

            var lineOffset = _bufferOffset + _start;
            var line = window[..newline];
            _start += newline + 1;
            if (_skipping)
            {
                _skipping = false;
            }
            else
            {
                if (line.Length > 0 && line[^1] == (byte)'\r')
                {
                    line = line[..^1];
                }

                var truncated = line.Length > _maxLineBytes;
                lines(this, truncated ? line[.._maxLineBytes] : line, lineOffset, truncated);
            }

            ResumableOffset = _bufferOffset + _start;
        }

        return true;
    }

    /// <summary>Keeps the fingerprint up to date with the file's first bytes (up to <see cref="Fingerprint.Length"/>),
    /// so a checkpoint always says what the file began with, even for a file shorter than that.</summary>
    private void EnsureFingerprint()
    {
        if (_fingerprint.IsComplete || LastKnownLength <= _fingerprint.Bytes)
        {
            return;
        }

        var fingerprint = Fingerprint.Compute(Handle, (int)Math.Min(LastKnownLength, Fingerprint.Length));
        if (fingerprint is { } value)
        {
            lock (_sync)
            {
                _fingerprint = value;
            }
        }
    }

    public void Sealed(long batch) => Acks.Register(batch, ResumableOffset);

    public void Acknowledged(long batch)
    {
        if (Acks.Acknowledge(batch, out var committed))
        {
            Fingerprint fingerprint;
            lock (_sync)
            {
                if (_fingerprint.Bytes == 0 && !Handle.IsClosed)
                {
                    try
                    {
                        _fingerprint = Fingerprint.Compute(Handle, (int)Math.Min(committed, Fingerprint.Length)) ?? default;
                    }
                    catch (ObjectDisposedException)
                    {
                        // Released meanwhile: the checkpoint keeps no fingerprint and is resumed by identity alone.
                    }
                }

                fingerprint = _fingerprint;
            }

            _checkpoints.Set(new Checkpoint(Identity, fingerprint, committed, Path, _time.GetUtcNow().ToUnixTimeSeconds(), Salt));
        }
    }

    public void Dispose()
    {
        Handle.Dispose();
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }
}

/// <summary>Receives one line of a file: its bytes (without terminator), the offset of its first byte, whether it was cut.</summary>
public delegate void LineHandler(TailedFile file, ReadOnlySpan<byte> line, long lineOffset, bool truncated);
