using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Telemetry.Agent.Tailing;

/// <summary>
/// <c>fstat(2)</c> through libc, AOT-safe. Reads only <c>st_dev</c> and <c>st_ino</c>, which are the first
/// two 64-bit words of <c>struct stat</c> on Linux x86-64 and arm64 (glibc 2.33+ exports <c>fstat</c>).
/// </summary>
internal static partial class UnixFileStat
{
    private const int StatBufferBytes = 256;

    // O_RDONLY | O_CLOEXEC: the same on x86-64 and arm64 (O_DIRECTORY is not: 0x10000 is O_DIRECT on arm64).
    private const int OpenReadOnlyCloseOnExec = 0x80000;

    public static FileIdentity Identity(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("file identity needs Linux or Windows");
        }

        Span<ulong> buffer = stackalloc ulong[StatBufferBytes / sizeof(ulong)];
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (FStat((int)handle.DangerousGetHandle(), ref MemoryMarshal.GetReference(buffer)) != 0)
            {
                throw new IOException($"fstat failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        return new FileIdentity(buffer[0], buffer[1]);
    }

    /// <summary>Device and inode of a directory, or null when it does not exist (or cannot be opened).</summary>
    public static FileIdentity? DirectoryIdentity(string directory)
    {
        var fd = Open(directory, OpenReadOnlyCloseOnExec);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            Span<ulong> buffer = stackalloc ulong[StatBufferBytes / sizeof(ulong)];
            return FStat(fd, ref MemoryMarshal.GetReference(buffer)) == 0 ? new FileIdentity(buffer[0], buffer[1]) : null;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>fsync(2) on a directory, so a rename inside it is durable.</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(directory, OpenReadOnlyCloseOnExec);
        if (fd < 0)
        {
            return;
        }

        try
        {
            _ = FSync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static partial int FStat(int fd, ref ulong statBuffer);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
