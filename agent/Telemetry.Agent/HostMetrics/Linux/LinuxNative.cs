using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Telemetry.Agent.HostMetrics.Linux;

/// <summary>The few libc calls the Linux sampler needs (AOT-safe source-generated P/Invoke).</summary>
[SupportedOSPlatform("linux")]
internal static partial class LinuxNative
{
    private const int ScClkTck = 2;

    /// <summary>struct statvfs on 64-bit Linux (glibc and musl): eleven 8-byte fields, then six reserved ints.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct StatVfs
    {
        public ulong BlockSize;
        public ulong FragmentSize;
        public ulong Blocks;
        public ulong BlocksFree;
        public ulong BlocksAvailable;
        public ulong Files;
        public ulong FilesFree;
        public ulong FilesAvailable;
        public ulong FilesystemId;
        public ulong Flags;
        public ulong NameMax;
        private readonly ulong _spare0;
        private readonly ulong _spare1;
        private readonly ulong _spare2;
    }

    [LibraryImport("libc", EntryPoint = "statvfs", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int statvfs(string path, out StatVfs buffer);

    [LibraryImport("libc", EntryPoint = "sysconf", SetLastError = true)]
    private static partial long sysconf(int name);

    /// <summary>USER_HZ, the unit of /proc/stat and /proc/[pid]/stat times (100 on every mainstream kernel).</summary>
    public static double ClockTicksPerSecond()
    {
        var ticks = sysconf(ScClkTck);
        return ticks > 0 ? ticks : 100;
    }
}
