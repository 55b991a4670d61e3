using Microsoft.Win32.SafeHandles;

namespace Telemetry.Agent.Tailing;

/// <summary>
/// What a file is, independent of its name: device + inode on Unix, volume serial + file index on Windows.
/// Survives rename; changes when a file is recreated (but an inode can be reused, hence the fingerprint).
/// </summary>
public readonly record struct FileIdentity(ulong Device, ulong Index)
{
    public override string ToString() => $"{Device}:{Index}";

    /// <summary>The identity of an open file.</summary>
    public static FileIdentity Of(SafeFileHandle handle) =>
        OperatingSystem.IsWindows() ? WindowsFileInformation.Identity(handle) : UnixFileStat.Identity(handle);

    /// <summary>The identity of the file a path names now, or null when it is gone.</summary>
    public static FileIdentity? OfPath(string path)
    {
        try
        {
            using var handle = FileOpener.OpenForTailing(path);
            return Of(handle);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A stable per-file number mixed into record timestamps (see <see cref="Encoders.LineTimestamp"/>).</summary>
    public ulong Salt
    {
        get
        {
            var h = (Device * 0x9E3779B97F4A7C15UL) ^ Index;
            h ^= h >> 33;
            h *= 0xFF51AFD7ED558CCDUL;
            h ^= h >> 33;
            return h;
        }
    }
}
