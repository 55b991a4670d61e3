using System.Text.Json;
using Microsoft.Extensions.Logging;
using Telemetry.Agent.Tailing;

namespace Telemetry.Agent.Checkpoints;

/// <summary>
/// The agent's checkpoints: one JSON file (<c>checkpoints.json</c>) in <c>state_dir</c>, keyed by file
/// identity. Written atomically: a temp file is written and fsynced, renamed over the old one, and the
/// directory is fsynced, so a crash leaves either the old or the new file, never a torn one. Entries of
/// files not seen for <c>forget_after</c> are pruned on save. Thread-safe. The writer waits in
/// <see cref="WaitForChangeAsync"/>, so an idle agent does not wake up to find nothing to write.
/// </summary>
public sealed class CheckpointStore
{
    public const string FileName = "checkpoints.json";
    private const int Version = 1;

    private readonly Dictionary<FileIdentity, Checkpoint> _entries = [];
    private readonly Lock _lock = new();
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly TimeSpan _forgetAfter;
    private readonly ILogger _logger;
    private TaskCompletionSource? _waiter;
    private bool _dirty;

    public CheckpointStore(string directory, TimeProvider time, TimeSpan forgetAfter, ILogger<CheckpointStore> logger)
    {
        _directory = directory;
        _time = time;
        _forgetAfter = forgetAfter;
        _logger = logger;
    }

    public string FilePath => System.IO.Path.Combine(_directory, FileName);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Reads the checkpoint file; a missing file is an empty store, an unreadable one is logged and ignored.</summary>
    public void Load()
    {
        Directory.CreateDirectory(_directory);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(FilePath);
        }
        catch (FileNotFoundException)
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            var version = root.GetProperty("version").GetInt32();
            if (version != Version)
            {
                Log.CheckpointVersionUnknown(_logger, FilePath, version);
                return;
            }

            lock (_lock)
            {
                foreach (var file in root.GetProperty("files").EnumerateArray())
                {
                    var identity = new FileIdentity(file.GetProperty("device").GetUInt64(), file.GetProperty("index").GetUInt64());
                    var fingerprint = new Fingerprint(file.GetProperty("fingerprint_bytes").GetInt32(), ulong.Parse(file.GetProperty("fingerprint").GetString()!, System.Globalization.NumberStyles.HexNumber));
                    var salt = file.TryGetProperty("salt", out var saltValue) ? ulong.Parse(saltValue.GetString()!, System.Globalization.NumberStyles.HexNumber) : identity.Salt;
                    _entries[identity] = new Checkpoint(identity, fingerprint, file.GetProperty("offset").GetInt64(), file.GetProperty("path").GetString() ?? "", file.GetProperty("seen").GetInt64(), salt);
                }
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            Log.CheckpointFileUnreadable(_logger, FilePath, e.Message);
        }
    }

    public bool TryGet(FileIdentity identity, out Checkpoint checkpoint)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(identity, out checkpoint);
        }
    }

    public void Set(Checkpoint checkpoint)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(checkpoint.Identity, out var old) && old == checkpoint)
            {
                return;
            }

            _entries[checkpoint.Identity] = checkpoint;
            MarkDirty();
        }
    }

    public void Remove(FileIdentity identity)
    {
        lock (_lock)
        {
            if (_entries.Remove(identity))
            {
                MarkDirty();
            }
        }
    }

    /// <summary>Completes once there is something to write (a checkpoint moved or was removed since the last
    /// <see cref="Save"/>, or a save failed), at once when there already is.</summary>
    public Task WaitForChangeAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_dirty)
            {
                return Task.CompletedTask;
            }

            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiter.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Under <see cref="_lock"/>: the first change after a save wakes the writer.</summary>
    private void MarkDirty()
    {
        if (!_dirty)
        {
            _dirty = true;
            if (_waiter is { } waiter)
            {
                _waiter = null;
                waiter.TrySetResult();
            }
        }
    }

    /// <summary>Marks the files still present as seen now, so they are not pruned.</summary>
    public void Touch(FileIdentity identity)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(identity, out var old))
            {
                _entries[identity] = old with { SeenUnixSeconds = _time.GetUtcNow().ToUnixTimeSeconds() };
            }
        }
    }

    /// <summary>Writes the file when anything changed since the last save. Returns true when it wrote.</summary>
    public bool Save()
    {
        Checkpoint[] snapshot;
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        lock (_lock)
        {
            List<FileIdentity>? stale = null;
            foreach (var (identity, checkpoint) in _entries)
            {
                if (now - checkpoint.SeenUnixSeconds > (long)_forgetAfter.TotalSeconds)
                {
                    (stale ??= []).Add(identity);
                }
            }

            if (stale is not null)
            {
                foreach (var identity in stale)
                {
                    _entries.Remove(identity);
                }

                _dirty = true;
            }

            if (!_dirty)
            {
                return false;
            }

            snapshot = [.. _entries.Values];
            _dirty = false;
        }

        try
        {
            Write(snapshot);
            return true;
        }
        catch
        {
            lock (_lock)
            {
                MarkDirty();
            }

            throw;
        }
    }

    private void Write(Checkpoint[] snapshot)
    {
        Directory.CreateDirectory(_directory);
        var temp = FilePath + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
        {
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                json.WriteStartObject();
                json.WriteNumber("version", Version);
                json.WriteStartArray("files");
                foreach (var c in snapshot)
                {
                    json.WriteStartObject();
                    json.WriteNumber("device", c.Identity.Device);
                    json.WriteNumber("index", c.Identity.Index);
                    json.WriteString("fingerprint", c.Fingerprint.Hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
                    json.WriteNumber("fingerprint_bytes", c.Fingerprint.Bytes);
                    json.WriteNumber("offset", c.Offset);
                    json.WriteString("path", c.Path);
                    json.WriteNumber("seen", c.SeenUnixSeconds);
                    json.WriteString("salt", c.Salt.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, FilePath, overwrite: true);
        UnixFileStat.SyncDirectory(_directory);
    }
}
