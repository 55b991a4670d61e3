using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Telemetry.Agent.Configuration;

namespace Telemetry.Agent.HostMetrics.Windows;

/// <summary>
/// Reads the enabled families from Win32: NtQuerySystemInformation (per-CPU times, summed for the host),
/// GlobalMemoryStatusEx, GetLogicalDriveStrings + GetDiskFreeSpaceEx (fixed drives), GetIfTable2,
/// IOCTL_DISK_PERFORMANCE on \\.\PhysicalDriveN, GetTickCount64, GetPerformanceInfo (process count).
/// The decoding and arithmetic live in separate classes that are unit-tested on Linux with recorded values.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed unsafe class WindowsHostSampler : IHostSampler, IDisposable
{
    private const int MaxPhysicalDrives = 32;

    private readonly HostMetricsOptions _options;
    private readonly NameTable _names = new();
    private readonly FamilyHealth _cpuHealth;
    private readonly FamilyHealth _memoryHealth;
    private readonly FamilyHealth _diskHealth;
    private readonly FamilyHealth _filesystemHealth;
    private readonly FamilyHealth _networkHealth;
    private readonly FamilyHealth _processHealth;
    private readonly List<(string Name, SafeFileHandle Handle)> _drives = [];
    private byte[] _cpuBuffer = new byte[WindowsCpuTimes.ProcessorRecordSize * 64];
    private bool _drivesOpened;

    public WindowsHostSampler(HostMetricsOptions options, ILogger logger)
    {
        _options = options;
        _cpuHealth = new FamilyHealth(logger, "cpu", "NtQuerySystemInformation");
        _memoryHealth = new FamilyHealth(logger, "memory", "GlobalMemoryStatusEx");
        _diskHealth = new FamilyHealth(logger, "disk", "IOCTL_DISK_PERFORMANCE");
        _filesystemHealth = new FamilyHealth(logger, "filesystem", "GetDiskFreeSpaceEx");
        _networkHealth = new FamilyHealth(logger, "network", "GetIfTable2");
        _processHealth = new FamilyHealth(logger, "processes", "GetPerformanceInfo");
    }

    public void Sample(HostSnapshot snapshot)
    {
        if (_options.Cpu)
        {
            SampleCpu(snapshot);
        }

        if (_options.Memory || _options.Paging)
        {
            var status = new WindowsNative.MemoryStatusEx { Length = (uint)sizeof(WindowsNative.MemoryStatusEx) };
            if (WindowsNative.GlobalMemoryStatusEx(ref status))
            {
                _memoryHealth.Succeeded();
                snapshot.HasMemory = _options.Memory;
                snapshot.Memory = WindowsMemoryCalculator.Memory(status.TotalPhys, status.AvailPhys);
                snapshot.HasPaging = _options.Paging;
                snapshot.Paging = WindowsMemoryCalculator.Paging(status.TotalPhys, status.AvailPhys, status.TotalPageFile, status.AvailPageFile);
            }
            else
            {
                _memoryHealth.Failed(new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError()));
            }
        }

        if (_options.Disk)
        {
            SampleDisks(snapshot);
        }

        if (_options.Filesystem)
        {
            SampleFilesystems(snapshot);
        }

        if (_options.Network)
        {
            var status = WindowsNative.GetIfTable2(out var table);
            if (status == 0)
            {
                try
                {
                    var count = *(uint*)table;
                    var length = WindowsIfTableParser.TableHeaderSize + ((long)count * WindowsIfTableParser.RowSize);
                    WindowsIfTableParser.Parse(new ReadOnlySpan<byte>((void*)table, (int)Math.Min(length, int.MaxValue)), _names, snapshot.Networks);
                    _networkHealth.Succeeded();
                }
                finally
                {
                    WindowsNative.FreeMibTable(table);
                }
            }
            else
            {
                _networkHealth.Failed(new System.ComponentModel.Win32Exception((int)status));
            }
        }

        if (_options.Uptime)
        {
            snapshot.HasUptime = true;
            snapshot.UptimeSeconds = WindowsNative.GetTickCount64() / 1000.0;
        }

        if (_options.Processes)
        {
            if (WindowsNative.GetPerformanceInfo(out var info, (uint)sizeof(WindowsNative.PerformanceInformation)))
            {
                _processHealth.Succeeded();
                snapshot.HasProcessCount = true;
                snapshot.ProcessCount = info.ProcessCount;
            }
            else
            {
                _processHealth.Failed(new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError()));
            }
        }
    }

    private void SampleCpu(HostSnapshot snapshot)
    {
        while (true)
        {
            int status;
            int returned;
            fixed (byte* buffer = _cpuBuffer)
            {
                status = WindowsNative.NtQuerySystemInformation(WindowsNative.SystemProcessorPerformanceInformation, buffer, _cpuBuffer.Length, out returned);
            }

            const int StatusInfoLengthMismatch = unchecked((int)0xC0000004);
            if (status == StatusInfoLengthMismatch && _cpuBuffer.Length < 1 << 20)
            {
                _cpuBuffer = new byte[Math.Max(_cpuBuffer.Length * 2, returned)];
                continue;
            }

            if (status != 0)
            {
                _cpuHealth.Failed(new InvalidOperationException($"NtQuerySystemInformation returned NTSTATUS 0x{status:X8}"));
                return;
            }

            WindowsCpuTimes.ParseProcessorPerformance(_cpuBuffer.AsSpan(0, returned), snapshot, _options.PerCpu);
            _cpuHealth.Succeeded();
            return;
        }
    }

    private void SampleDisks(HostSnapshot snapshot)
    {
        if (!_drivesOpened)
        {
            _drivesOpened = true;
            for (var i = 0; i < MaxPhysicalDrives; i++)
            {
                var handle = WindowsNative.CreateFileW($@"\\.\PhysicalDrive{i}", 0, WindowsNative.FileShareReadWrite, 0, WindowsNative.OpenExisting, 0, 0);
                if (handle.IsInvalid)
                {
                    handle.Dispose();
                    continue;
                }

                _drives.Add(($"PhysicalDrive{i}", handle));
            }
        }

        Span<byte> buffer = stackalloc byte[WindowsDiskPerformanceParser.Size];
        var any = false;
        foreach (var (name, handle) in _drives)
        {
            fixed (byte* output = buffer)
            {
                if (!WindowsNative.DeviceIoControl(handle, WindowsNative.IoctlDiskPerformance, 0, 0, output, (uint)buffer.Length, out var returned, 0))
                {
                    continue;
                }

                if (WindowsDiskPerformanceParser.TryParse(buffer[..(int)returned], name, out var disk))
                {
                    snapshot.Disks.Add(disk);
                    any = true;
                }
            }
        }

        if (any || _drives.Count == 0)
        {
            _diskHealth.Succeeded();
        }
        else
        {
            _diskHealth.Failed(new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError()));
        }
    }

    private void SampleFilesystems(HostSnapshot snapshot)
    {
        char* roots = stackalloc char[1024];
        var length = WindowsNative.GetLogicalDriveStringsW(1024, roots);
        if (length == 0 || length > 1024)
        {
            _filesystemHealth.Failed(new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError()));
            return;
        }

        _filesystemHealth.Succeeded();
        char* fsName = stackalloc char[64];
        Span<byte> utf8 = stackalloc byte[1024 * 3];
        Span<byte> typeUtf8 = stackalloc byte[64 * 3];
        var all = new ReadOnlySpan<char>(roots, (int)length);
        while (!all.IsEmpty)
        {
            var end = all.IndexOf('\0');
            var rootSpan = end < 0 ? all : all[..end];
            all = end < 0 ? default : all[(end + 1)..];
            if (rootSpan.IsEmpty)
            {
                continue;
            }

            var root = _names.Get(utf8[..System.Text.Encoding.UTF8.GetBytes(rootSpan, utf8)]);
            if (WindowsNative.GetDriveTypeW(root) != WindowsNative.DriveFixed
                || !WindowsNative.GetDiskFreeSpaceExW(root, out var available, out var total, out var totalFree))
            {
                continue;
            }

            var type = "unknown";
            if (WindowsNative.GetVolumeInformationW(root, null, 0, out _, out _, out _, fsName, 64))
            {
                var typeSpan = new ReadOnlySpan<char>(fsName, 64);
                var typeEnd = typeSpan.IndexOf('\0');
                type = _names.Get(typeUtf8[..System.Text.Encoding.UTF8.GetBytes(typeEnd >= 0 ? typeSpan[..typeEnd] : typeSpan, typeUtf8)]);
            }

            var usage = FilesystemUsageCalculator.FromStatVfs(total, totalFree, available, 1);
            usage.Device = root;
            usage.MountPoint = root;
            usage.Type = type;
            snapshot.Filesystems.Add(usage);
        }
    }

    public void Dispose()
    {
        foreach (var (_, handle) in _drives)
        {
            handle.Dispose();
        }
    }
}
