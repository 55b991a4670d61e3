using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using Telemetry.Agent.Configuration;

namespace Telemetry.Agent.HostMetrics.Linux;

/// <summary>
/// Reads the enabled families from /proc (one read of each file per refresh, into reused buffers) and statvfs.
/// The paths are a parameter so tests can point the sampler at recorded files.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class LinuxHostSampler : IHostSampler, IDisposable
{
    private readonly HostMetricsOptions _options;
    private readonly ILogger _logger;
    private readonly string _procRoot;
    private readonly double _ticksPerSecond;
    private readonly NameTable _names = new();
    private readonly DiskFilter _diskFilter;
    private readonly List<MountEntry> _mounts = [];

    private readonly ProcFile _stat;
    private readonly ProcFile _meminfo;
    private readonly ProcFile _loadavg;
    private readonly ProcFile _diskstats;
    private readonly ProcFile _mountinfo;
    private readonly ProcFile _netdev;
    private readonly ProcFile _uptime;

    private readonly FamilyHealth _cpuHealth;
    private readonly FamilyHealth _memoryHealth;
    private readonly FamilyHealth _loadHealth;
    private readonly FamilyHealth _diskHealth;
    private readonly FamilyHealth _filesystemHealth;
    private readonly FamilyHealth _networkHealth;
    private readonly FamilyHealth _uptimeHealth;
    private readonly FamilyHealth _processHealth;

    public LinuxHostSampler(HostMetricsOptions options, ILogger logger, string procRoot = "/proc", string sysBlock = "/sys/block")
    {
        _options = options;
        _logger = logger;
        _procRoot = procRoot;
        _ticksPerSecond = LinuxNative.ClockTicksPerSecond();
        _diskFilter = new DiskFilter(sysBlock);
        _stat = new ProcFile(procRoot + "/stat", 16 * 1024);
        _meminfo = new ProcFile(procRoot + "/meminfo");
        _loadavg = new ProcFile(procRoot + "/loadavg", 256);
        _diskstats = new ProcFile(procRoot + "/diskstats");
        _mountinfo = new ProcFile(procRoot + "/self/mountinfo", 8192);
        _netdev = new ProcFile(procRoot + "/net/dev");
        _uptime = new ProcFile(procRoot + "/uptime", 256);
        _cpuHealth = new FamilyHealth(logger, "cpu", _stat.Path);
        _memoryHealth = new FamilyHealth(logger, "memory", _meminfo.Path);
        _loadHealth = new FamilyHealth(logger, "load", _loadavg.Path);
        _diskHealth = new FamilyHealth(logger, "disk", _diskstats.Path);
        _filesystemHealth = new FamilyHealth(logger, "filesystem", _mountinfo.Path);
        _networkHealth = new FamilyHealth(logger, "network", _netdev.Path);
        _uptimeHealth = new FamilyHealth(logger, "uptime", _uptime.Path);
        _processHealth = new FamilyHealth(logger, "processes", procRoot);
    }

    public void Sample(HostSnapshot snapshot)
    {
        // /proc/stat carries both the CPU times and the count of processes created.
        if (_options.Cpu || _options.Processes)
        {
            if (_stat.TryRead(out var text, out var error) && ProcStatParser.Parse(text, _ticksPerSecond, snapshot, _options.PerCpu))
            {
                _cpuHealth.Succeeded();
                if (!_options.Cpu)
                {
                    snapshot.HasCpu = false;
                    snapshot.PerCpuCount = 0;
                }
            }
            else
            {
                _cpuHealth.Failed(error);
            }
        }

        if (_options.Memory || _options.Paging)
        {
            if (_meminfo.TryRead(out var text, out var error) && MemInfoParser.Parse(text, out var memory, out var paging))
            {
                _memoryHealth.Succeeded();
                snapshot.HasMemory = _options.Memory;
                snapshot.Memory = memory;
                snapshot.HasPaging = _options.Paging;
                snapshot.Paging = paging;
            }
            else
            {
                _memoryHealth.Failed(error);
            }
        }

        if (_options.Load)
        {
            if (_loadavg.TryRead(out var text, out var error) && LoadAvgParser.Parse(text, out var load))
            {
                _loadHealth.Succeeded();
                snapshot.HasLoad = true;
                snapshot.Load = load;
            }
            else
            {
                _loadHealth.Failed(error);
            }
        }

        if (_options.Disk)
        {
            if (_diskstats.TryRead(out var text, out var error))
            {
                DiskStatsParser.Parse(text, _names, _diskFilter, snapshot.Disks);
                _diskHealth.Succeeded();
            }
            else
            {
                _diskHealth.Failed(error);
            }
        }

        if (_options.Filesystem)
        {
            SampleFilesystems(snapshot);
        }

        if (_options.Network)
        {
            if (_netdev.TryRead(out var text, out var error))
            {
                NetDevParser.Parse(text, _names, snapshot.Networks);
                _networkHealth.Succeeded();
            }
            else
            {
                _networkHealth.Failed(error);
            }
        }

        if (_options.Uptime)
        {
            if (_uptime.TryRead(out var text, out var error) && UptimeParser.Parse(text, out var seconds))
            {
                _uptimeHealth.Succeeded();
                snapshot.HasUptime = true;
                snapshot.UptimeSeconds = seconds;
            }
            else
            {
                _uptimeHealth.Failed(error);
            }
        }

        if (_options.Processes)
        {
            try
            {
                snapshot.ProcessCount = ProcessCounter.Count(_procRoot);
                snapshot.HasProcessCount = true;
                _processHealth.Succeeded();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _processHealth.Failed(ex);
            }
        }
        else
        {
            snapshot.ProcessesCreated = -1;
        }
    }

    private void SampleFilesystems(HostSnapshot snapshot)
    {
        if (!_mountinfo.TryRead(out var text, out var error))
        {
            _filesystemHealth.Failed(error);
            return;
        }

        _filesystemHealth.Succeeded();
        _mounts.Clear();
        MountInfoParser.Parse(text, _names, _mounts);
        foreach (var mount in _mounts)
        {
            if (LinuxNative.statvfs(mount.MountPoint, out var vfs) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                _logger.StatVfsFailed(mount.MountPoint, errno);
                continue;
            }

            var usage = FilesystemUsageCalculator.FromStatVfs(vfs.Blocks, vfs.BlocksFree, vfs.BlocksAvailable, vfs.FragmentSize);
            if (usage.Total <= 0)
            {
                continue;
            }

            usage.Device = mount.Source;
            usage.MountPoint = mount.MountPoint;
            usage.Type = mount.Type;
            snapshot.Filesystems.Add(usage);
        }
    }

    public void Dispose()
    {
        _stat.Dispose();
        _meminfo.Dispose();
        _loadavg.Dispose();
        _diskstats.Dispose();
        _mountinfo.Dispose();
        _netdev.Dispose();
        _uptime.Dispose();
    }
}
