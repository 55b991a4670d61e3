using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Telemetry.Agent.Batching;
using Telemetry.Agent.Checkpoints;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.Encoders;
using Telemetry.Agent.Metrics;
using Telemetry.Agent.Parsing;

namespace Telemetry.Agent.Tailing;

/// <summary>
/// The reading loop: finds files by glob, follows them by identity through rotation, reads new lines,
/// parses and encodes them, and feeds the batcher. One loop for all files (round robin, one read buffer
/// per active file). It waits, and so stops reading, whenever the batcher's output is full.
/// <list type="bullet">
/// <item>First sight of a file present at start-up: <c>start_at</c> (end, at a line boundary, or beginning);
/// a file that appears later is read from its beginning (its lines are new).</item>
/// <item>A checkpoint is resumed only when the file's identity and fingerprint both match.</item>
/// <item>Rename rotation: the old identity keeps being read from its open handle until it has been read
/// to the end and idle for <c>rotate_wait</c>; the new file at the path is read from its beginning.</item>
/// <item>copytruncate: a file shorter than the read position restarts at 0 (counted).</item>
/// <item>Polling adapts: every <c>poll_interval</c> while lines arrive, a file is draining, or a base directory
/// has no file-system watch; once nothing has been read for a while, and every base directory is watched, the
/// wait doubles up to <c>idle_poll_interval</c>. A write (or a file created, renamed or deleted) in a watched
/// directory wakes the loop at once, and reading anything goes back to <c>poll_interval</c>.</item>
/// </list>
/// </summary>
public sealed class FileTailer : IDisposable
{
    private readonly AgentOptions _options;
    private readonly IReadOnlyList<TailSource> _sources;
    private readonly CheckpointStore _checkpoints;
    private readonly LogBatcher _batcher;
    private readonly AgentMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly OtlpLogRecordEncoder _encoder;
    private readonly Dictionary<FileIdentity, TailedFile> _files = [];
    private readonly List<TailedFile> _order = [];
    private readonly LineHandler _onLine;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private DirectoryWatches? _watches;
    private TimeSpan _idleWait;
    private long _observedNanos;
    private bool _started;
    private long _lastScan;
    private long _scans;

    public FileTailer(AgentOptions options, IReadOnlyList<TailSource> sources, CheckpointStore checkpoints, LogBatcher batcher, AgentMetrics metrics, RequestMetrics? requests, TimeProvider time, ILogger<FileTailer> logger)
    {
        _options = options;
        _sources = sources;
        _checkpoints = checkpoints;
        _batcher = batcher;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _encoder = new OtlpLogRecordEncoder(requests);
        _onLine = OnLine;
        _idleWait = options.PollInterval;
    }

    /// <summary>Files being read now (including rotated ones still draining).</summary>
    public int FileCount
    {
        get
        {
            lock (_files)
            {
                return _files.Count;
            }
        }
    }

    /// <summary>The next wait when nothing is read: <c>poll_interval</c>, growing up to <c>idle_poll_interval</c> while idle.</summary>
    internal TimeSpan IdleWait => _idleWait;

    /// <summary>Every glob's base directory has a live file-system watch.</summary>
    internal bool Watched => _watches?.Complete == true;

    /// <summary>Completed glob scans (the first one decides which files count as present at start-up).</summary>
    public long ScanCount => Interlocked.Read(ref _scans);

    /// <summary>Bytes behind the end of each file, for the lag gauge.</summary>
    public IEnumerable<Measurement<long>> Lag()
    {
        TailedFile[] files;
        lock (_files)
        {
            files = [.. _order];
        }

        foreach (var file in files)
        {
            yield return new Measurement<long>(Math.Max(0, file.LastKnownLength - file.ResumableOffset), new KeyValuePair<string, object?>("log.file.path", file.Path));
        }
    }

    /// <summary>Wakes the loop early (a file-system event hinted at new data).</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _watches ??= new DirectoryWatches(WatchRoots(), Wake, _logger);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await StepAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: rescan when due, read every file as far as delivery allows, then wait for data or the batch deadline.</summary>
    public async Task StepAsync(CancellationToken cancellationToken)
    {
        if (!_started || _time.GetElapsedTime(_lastScan) >= _options.PollInterval)
        {
            Scan();
        }

        var progressed = await ReadAllAsync(cancellationToken);
        ReportLineProblems();
        ReleaseRotated();
        if (progressed)
        {
            _idleWait = _options.PollInterval;
        }
        else
        {
            var wait = _batcher.SealIfDue();
            await PublishScanningAsync(cancellationToken);
            var poll = NextIdleWait();
            if (wait > poll || _batcher.OpenRecords == 0)
            {
                wait = poll;
            }

            await WaitAsync(wait, cancellationToken);
        }
    }

    /// <summary>How long to wait for a file-system event when nothing was read: <c>poll_interval</c> unless
    /// every base directory is watched and no file is draining (a rotated file moved out of the watched
    /// directory sends no events); then twice the previous wait, up to <c>idle_poll_interval</c>.</summary>
    private TimeSpan NextIdleWait()
    {
        if (_watches is not { Complete: true } || _batcher.OpenRecords > 0 || AnyDraining())
        {
            _idleWait = _options.PollInterval;
            return _idleWait;
        }

        var wait = _idleWait;
        var doubled = wait * 2;
        _idleWait = doubled < _options.IdlePollInterval ? doubled : _options.IdlePollInterval;
        return wait;
    }

    private bool AnyDraining()
    {
        foreach (var file in _order)
        {
            if (file.RotatedAt is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Seals and publishes what was read (shutdown).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        _batcher.SealNow();
        await _batcher.PublishAsync(cancellationToken);
    }

    /// <summary>Expands the globs and matches what they find against the files being read.</summary>
    public void Scan()
    {
        // Watches first: an event between the directory listing and the watch would otherwise be missed.
        _watches?.Refresh();
        var startup = !_started;
        _started = true;
        _lastScan = _time.GetTimestamp();
        var seen = new HashSet<FileIdentity>();
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var source in _sources)
        {
            found.Clear();
            source.Scanner.Scan(found);
            foreach (var path in found)
            {
                Consider(source, path, startup, seen);
            }
        }

        lock (_files)
        {
            foreach (var file in _order)
            {
                if (seen.Contains(file.Identity))
                {
                    file.RotatedAt = null;
                    _checkpoints.Touch(file.Identity);
                }
                else
                {
                    file.RotatedAt ??= _time.GetTimestamp();
                }
            }
        }

        Interlocked.Increment(ref _scans);
    }

    private void Consider(TailSource source, string path, bool startup, HashSet<FileIdentity> seen)
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try
        {
            handle = FileOpener.OpenForTailing(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.FileUnreadable(_logger, path, e.Message);
            return;
        }

        FileIdentity identity;
        try
        {
            identity = FileIdentity.Of(handle);
        }
        catch (IOException e)
        {
            handle.Dispose();
            Log.FileUnreadable(_logger, path, e.Message);
            return;
        }

        if (!seen.Add(identity))
        {
            // Two globs (or a hard link) reach the same file: read it once.
            handle.Dispose();
            return;
        }

        lock (_files)
        {
            if (_files.TryGetValue(identity, out var known))
            {
                handle.Dispose();
                known.Renamed(path);
                return;
            }
        }

        var length = RandomAccess.GetLength(handle);
        var start = 0L;
        var skipPartial = false;
        var salt = identity.Salt;
        if (_checkpoints.TryGet(identity, out var checkpoint) && checkpoint.Fingerprint.Matches(handle))
        {
            salt = checkpoint.Salt;
            if (checkpoint.Offset > length)
            {
                _metrics.Truncated();
                Log.FileTruncated(_logger, path, checkpoint.Offset, length);
            }
            else
            {
                start = checkpoint.Offset;
            }

            Log.FileResumed(_logger, path, start);
        }
        else
        {
            if (checkpoint.Path is not null && checkpoint.Offset > 0)
            {
                // Same device and inode, different first bytes: the inode was reused by another file.
                Log.InodeReused(_logger, path, identity);
                _checkpoints.Remove(identity);
            }

            if (FindCopyOrigin(handle, identity, length) is { } origin)
            {
                // A copytruncate copy of a file being read: continue where the original was, with its salt,
                // so lines read from both land on the same points.
                start = origin.Offset;
                salt = origin.Salt;
                Log.CopyDetected(_logger, path, origin.Path, start);
            }
            else if (startup && !source.Options.StartAtBeginning)
            {
                start = length;
                skipPartial = length > 0 && !EndsWithNewline(handle, length);
            }

            Log.FileOpened(_logger, path, source.Name, start);
        }

        var file = new TailedFile(source, path, handle, identity, start, skipPartial, salt, _checkpoints, _time, _options.MaxLineBytes);
        lock (_files)
        {
            _files.Add(identity, file);
            _order.Add(file);
        }
    }

    /// <summary>Where a truncated file was, so a copy of it found later continues from there.</summary>
    private readonly record struct CopyOrigin(FileIdentity Identity, Fingerprint Fingerprint, long Offset, ulong Salt, string Path, long At);

    private readonly List<CopyOrigin> _truncated = [];

    private void RememberTruncated(TailedFile file)
    {
        var fingerprint = file.Fingerprint;
        if (!fingerprint.IsComplete)
        {
            return;
        }

        _truncated.RemoveAll(o => _time.GetElapsedTime(o.At) > TimeSpan.FromMinutes(10));
        if (_truncated.Count >= 64)
        {
            _truncated.RemoveAt(0);
        }

        _truncated.Add(new CopyOrigin(file.Identity, fingerprint, file.ResumableOffset, file.Salt, file.Path, _time.GetTimestamp()));
    }

    /// <summary>A new file whose first 1024 bytes equal those of a file being read (or just truncated) is
    /// its copy (logrotate copytruncate, when the glob also matches the copy).</summary>
    private CopyOrigin? FindCopyOrigin(Microsoft.Win32.SafeHandles.SafeFileHandle handle, FileIdentity identity, long length)
    {
        if (length < Fingerprint.Length)
        {
            return null;
        }

        var head = Fingerprint.Compute(handle, Fingerprint.Length);
        if (head is not { } fingerprint)
        {
            return null;
        }

        lock (_files)
        {
            foreach (var file in _order)
            {
                if (file.Identity != identity && file.Fingerprint == fingerprint && file.ResumableOffset <= length)
                {
                    return new CopyOrigin(file.Identity, fingerprint, file.ResumableOffset, file.Salt, file.Path, 0);
                }
            }
        }

        for (var i = _truncated.Count - 1; i >= 0; i--)
        {
            if (_truncated[i].Identity != identity && _truncated[i].Fingerprint == fingerprint && _truncated[i].Offset <= length)
            {
                return _truncated[i];
            }
        }

        return null;
    }

    private static bool EndsWithNewline(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long length)
    {
        Span<byte> last = stackalloc byte[1];
        return RandomAccess.Read(handle, last, length - 1) == 1 && last[0] == (byte)'\n';
    }

    private async Task<bool> ReadAllAsync(CancellationToken cancellationToken)
    {
        var progressed = false;
        for (var i = 0; i < _order.Count; i++)
        {
            var file = _order[i];
            while (true)
            {
                long length;
                try
                {
                    length = file.Length();
                }
                catch (IOException e)
                {
                    Log.FileUnreadable(_logger, file.Path, e.Message);
                    break;
                }

                var shorter = length < file.ReadOffset;
                if (shorter || (length > file.ReadOffset && HeadChanged(file)))
                {
                    Restart(file, length, shorter);
                }

                _observedNanos = (_time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000L);
                long consumed;
                try
                {
                    consumed = file.Pump(_onLine, _batcher);
                }
                catch (IOException e)
                {
                    Log.FileUnreadable(_logger, file.Path, e.Message);
                    break;
                }

                progressed |= consumed > 0;
                if (!_batcher.HasPending)
                {
                    break;
                }

                // Delivery is full: this await is where reading stops until a batch is acknowledged.
                await PublishScanningAsync(cancellationToken);
                progressed = true;
            }
        }

        return progressed;
    }

    private bool HeadChanged(TailedFile file)
    {
        try
        {
            return file.HeadChanged();
        }
        catch (IOException e)
        {
            Log.FileUnreadable(_logger, file.Path, e.Message);
            return false;
        }
    }

    /// <summary>The file was truncated (it is shorter than what was read) or written over (its beginning
    /// changed): read it again from 0, unless its new content is a copy of a file being read, which it
    /// then continues.</summary>
    private void Restart(TailedFile file, long length, bool shorter)
    {
        _metrics.Truncated();
        if (shorter)
        {
            Log.FileTruncated(_logger, file.Path, file.ReadOffset, length);
        }
        else
        {
            Log.FileRewritten(_logger, file.Path, file.ReadOffset, length);
        }

        RememberTruncated(file);
        if (FindCopyOrigin(file.Handle, file.Identity, length) is { } origin)
        {
            file.RestartAt(origin.Offset, origin.Salt);
            Log.CopyDetected(_logger, file.Path, origin.Path, origin.Offset);
        }
        else
        {
            file.RestartAtZero();
        }
    }

    /// <summary>Hands the sealed batch on, and while delivery is saturated (the collector is down or slow)
    /// keeps scanning every <c>poll_interval</c>: reading waits, but files that appear are opened at once, so
    /// one that is rotated away (or deleted) before delivery resumes is still drained through its handle.</summary>
    private async ValueTask PublishScanningAsync(CancellationToken cancellationToken)
    {
        var publish = _batcher.PublishAsync(cancellationToken);
        if (publish.IsCompletedSuccessfully)
        {
            return;
        }

        var task = publish.AsTask();
        while (!task.IsCompleted)
        {
            using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(_options.PollInterval, _time, poll.Token);
            if (await Task.WhenAny(task, delay) == delay && !task.IsCompleted)
            {
                Scan();
            }

            await poll.CancelAsync();
            await delay.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await task;
    }

    private void ReportLineProblems()
    {
        foreach (var file in _order)
        {
            if (file.Problems.IsDue(_time))
            {
                LogLineProblems(file);
            }
        }
    }

    private void LogLineProblems(TailedFile file)
    {
        var problems = file.Problems;
        if (problems.Malformed > 0)
        {
            Log.LinesMalformed(_logger, file.Path, problems.Malformed, problems.MalformedOffset, problems.MalformedReason);
        }

        if (problems.Cut > 0)
        {
            Log.LinesCut(_logger, file.Path, problems.Cut, _options.MaxLineBytes, problems.CutOffset);
        }

        problems.Reported(_time);
    }

    private void ReleaseRotated()
    {
        for (var i = _order.Count - 1; i >= 0; i--)
        {
            var file = _order[i];
            if (file.RotatedAt is not { } rotatedAt || _time.GetElapsedTime(rotatedAt) < _options.RotateWait
                || _time.GetElapsedTime(file.LastActivity) < _options.RotateWait)
            {
                continue;
            }

            if (file.HasPartialLine)
            {
                file.FlushPartialLine(_onLine);
                _batcher.Touch(file);
                if (_batcher.HasPending)
                {
                    continue;
                }
            }

            LogLineProblems(file);
            var unread = file.LastKnownLength - file.ReadOffset;
            if (unread > 0)
            {
                // Reading it kept failing until it was gone: what it still held is lost.
                _metrics.BytesLost(unread);
                Log.FileReleasedUnread(_logger, file.Path, unread);
            }

            Log.FileReleased(_logger, file.Path, file.ResumableOffset);
            lock (_files)
            {
                _files.Remove(file.Identity);
                _order.RemoveAt(i);
            }

            // Batches still in flight acknowledge through the file object; its checkpoint entry is pruned by forget_after.
            file.Dispose();
        }
    }

    private void OnLine(TailedFile file, ReadOnlySpan<byte> line, long lineOffset, bool truncated)
    {
        _metrics.LinesRead(1);
        if (truncated)
        {
            _metrics.LinesTruncated(1);
            file.Problems.AddCut(lineOffset);
        }

        if (line.IsEmpty)
        {
            _batcher.Touch(file);
            return;
        }

        var origin = new RecordOrigin(file.Label, lineOffset, file.Salt, _observedNanos);
        _encoder.Begin(origin);
        var result = file.Parser.Parse(line, _encoder);
        switch (result.Status)
        {
            case ParseStatus.Record:
                _metrics.LinesParsed(1);
                _batcher.Add(file.Source, _encoder.End(), file);
                break;
            case ParseStatus.Directive:
                _batcher.Touch(file);
                break;
            default:
                _metrics.LinesMalformed(1);
                file.Problems.AddMalformed(lineOffset, result.Message);
                if (_logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
                {
                    Log.LineMalformed(_logger, file.Path, lineOffset, result.Message ?? "");
                }

                _batcher.Add(file.Source, _encoder.Malformed(origin, line, result.Message), file);
                break;
        }
    }

    private async Task WaitAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(wait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await _wake.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    private IEnumerable<(string Directory, bool Recursive)> WatchRoots()
    {
        foreach (var source in _sources)
        {
            foreach (var root in source.Scanner.WatchRoots())
            {
                yield return root;
            }
        }
    }

    public void Dispose()
    {
        _watches?.Dispose();

        lock (_files)
        {
            foreach (var file in _order)
            {
                file.Dispose();
            }

            _files.Clear();
            _order.Clear();
        }

        _encoder.Dispose();
        _wake.Dispose();
    }
}
