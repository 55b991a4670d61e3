using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Telemetry.Agent.Tailing;

/// <summary>
/// Opens a log file for reading so that the agent never gets in the way of the web server or of log
/// rotation: writers, renamers, truncaters, deleters and copiers all go on as if the agent were not there.
/// <list type="bullet">
/// <item>Linux: plain <c>open(2)</c> (<c>O_RDONLY | O_NONBLOCK | O_CLOEXEC</c>). .NET's own file APIs emulate
/// Windows sharing on Unix with an advisory <c>flock(LOCK_SH)</c> on every file they open, which makes any
/// process that opens the same file with <c>FileShare.None</c> (<c>File.Copy</c>'s destination, a .NET
/// writer that wants it exclusively) fail with "being used by another process"; a raw descriptor takes no
/// lock. <c>O_NONBLOCK</c> keeps a FIFO that matches a glob from blocking the open.</item>
/// <item>Windows: <c>FileShare.ReadWrite | FileShare.Delete</c>, so the server can keep appending, and the
/// file can be renamed, truncated or deleted while it is open.</item>
/// </list>
/// Anything that is not a seekable regular file (a FIFO, a socket) is refused with an <see cref="IOException"/>.
/// </summary>
public static partial class FileOpener
{
    private const int ReadOnly = 0;
    private const int NonBlocking = 0x800;   // O_NONBLOCK on x86-64 and arm64
    private const int CloseOnExec = 0x80000; // O_CLOEXEC on x86-64 and arm64

    /// <summary>Opens <paramref name="path"/> for reading without locking it.</summary>
    /// <exception cref="IOException">The file is missing, unreadable or not a regular file.</exception>
    /// <exception cref="UnauthorizedAccessException">The agent may not read it.</exception>
    public static SafeFileHandle OpenForTailing(string path)
    {
        var handle = OperatingSystem.IsLinux()
            ? OpenUnlocked(path)
            : File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            _ = RandomAccess.GetLength(handle);
        }
        catch (NotSupportedException)
        {
            handle.Dispose();
            throw new IOException($"{path} is not a regular file");
        }

        return handle;
    }

    private static SafeFileHandle OpenUnlocked(string path)
    {
        var fd = Open(path, ReadOnly | NonBlocking | CloseOnExec);
        if (fd >= 0)
        {
            return new SafeFileHandle(fd, ownsHandle: true);
        }

        var errno = Marshal.GetLastPInvokeError();
        var message = $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
        throw errno switch
        {
            1 or 13 => new UnauthorizedAccessException(message),   // EPERM, EACCES
            2 => new FileNotFoundException(message, path),         // ENOENT
            _ => new IOException(message),
        };
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);
}
