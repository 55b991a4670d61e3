using Microsoft.Extensions.Logging;

namespace Telemetry.Agent.Tailing;

/// <summary>
/// File-system events (inotify on Linux, ReadDirectoryChangesW on Windows) on the globs' base directories: a
/// write, create, rename or delete there wakes the tailer at once, so it can poll slowly while nothing happens.
/// The events are hints only; the tailer still reads by polling. <see cref="Refresh"/>, called before every glob
/// scan, starts the watch of a directory that appeared, replaces a watch that reported an error (an event queue
/// overflow) and one whose directory may have been deleted and created again: a watch follows the old
/// directory and goes silent without an error, and a new directory can get the old one's inode number, so a
/// watch is replaced whenever its directory's inode or modification time changed (an entry was created,
/// deleted or renamed there: log rotation, rarely more often). <see cref="Complete"/> says whether every base directory is watched now: only then may the tailer
/// slow its idle polling.
/// </summary>
internal sealed class DirectoryWatches : IDisposable
{
    private readonly Root[] _roots;
    private readonly Action _wake;
    private readonly ILogger _logger;
    private volatile bool _failed;

    public DirectoryWatches(IEnumerable<(string Directory, bool Recursive)> roots, Action wake, ILogger logger)
    {
        var unique = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var (directory, recursive) in roots)
        {
            unique[directory] = unique.TryGetValue(directory, out var known) ? known || recursive : recursive;
        }

        _roots = new Root[unique.Count];
        var i = 0;
        foreach (var (directory, recursive) in unique)
        {
            _roots[i++] = new Root(directory, recursive);
        }

        _wake = wake;
        _logger = logger;
    }

    /// <summary>Every base directory has a live watch (false before the first <see cref="Refresh"/>).</summary>
    public bool Complete { get; private set; }

    /// <summary>Brings the watches in line with the directories as they are now.</summary>
    public void Refresh()
    {
        var failed = _failed;
        _failed = false;
        var complete = true;
        foreach (var root in _roots)
        {
            var identity = DirectoryIdentity(root.Directory);
            var modified = identity is null ? default : Directory.GetLastWriteTimeUtc(root.Directory);
            if (root.Watcher is not null && (failed || identity is null || identity != root.Identity || modified != root.Modified))
            {
                root.Watcher.Dispose();
                root.Watcher = null;
            }

            if (root.Watcher is null && identity is not null)
            {
                root.Watcher = Start(root);
                root.Identity = identity;
                root.Modified = modified;
            }

            complete &= root.Watcher is not null;
        }

        Complete = complete;
    }

    private FileSystemWatcher? Start(Root root)
    {
        try
        {
            var watcher = new FileSystemWatcher(root.Directory)
            {
                IncludeSubdirectories = root.Recursive,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            watcher.Changed += OnEvent;
            watcher.Created += OnEvent;
            watcher.Deleted += OnEvent;
            watcher.Renamed += OnRenamed;
            watcher.Error += OnError;
            watcher.EnableRaisingEvents = true;
            root.Reported = false;
            return watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            // Out of inotify watches, or no support: polling at poll_interval still finds everything.
            if (!root.Reported)
            {
                root.Reported = true;
                Log.WatcherUnavailable(_logger, root.Directory, e.Message);
            }

            return null;
        }
    }

    private void OnEvent(object sender, FileSystemEventArgs e) => _wake();

    private void OnRenamed(object sender, RenamedEventArgs e) => _wake();

    private void OnError(object sender, ErrorEventArgs e)
    {
        _failed = true;
        _wake();
    }

    /// <summary>Device and inode of a directory (Linux), a constant for any existing directory elsewhere, null when it does not exist.</summary>
    private static FileIdentity? DirectoryIdentity(string directory)
    {
        if (OperatingSystem.IsLinux())
        {
            return UnixFileStat.DirectoryIdentity(directory);
        }

        return Directory.Exists(directory) ? new FileIdentity(0, 0) : null;
    }

    public void Dispose()
    {
        foreach (var root in _roots)
        {
            root.Watcher?.Dispose();
            root.Watcher = null;
        }

        Complete = false;
    }

    private sealed class Root(string directory, bool recursive)
    {
        public string Directory { get; } = directory;

        public bool Recursive { get; } = recursive;

        public FileSystemWatcher? Watcher { get; set; }

        public FileIdentity? Identity { get; set; }

        public DateTime Modified { get; set; }

        public bool Reported { get; set; }
    }
}
