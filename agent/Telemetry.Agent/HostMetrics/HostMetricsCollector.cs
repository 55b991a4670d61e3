using System.Diagnostics;
using System.Diagnostics.Metrics;
using Telemetry.Agent.Configuration;

namespace Telemetry.Agent.HostMetrics;

/// <summary>
/// Owns every host instrument of the meter <c>Telemetry.Agent.Host</c>. Instruments are observable: the SDK's
/// collection calls them; the first callback of a collection refreshes the snapshot and the others reuse it, so
/// the host is read at most once per half interval however many instruments (and readers) observe it.
/// Utilization is computed from the difference between the last two snapshots.
/// </summary>
internal sealed class HostMetricsCollector : IDisposable
{
    public const string MeterName = "Telemetry.Agent.Host";

    private readonly IHostSampler _sampler;
    private readonly TimeProvider _time;
    private readonly HostMetricsOptions _options;
    private readonly TimeSpan _minRefresh;
    private readonly Lock _gate = new();
    private readonly Meter _meter;

    private const string HostCpuKey = "cpu";
    private const string ProcessesKey = "processes";
    private const int DiskReadBytes = 10, DiskWriteBytes = 11, DiskReadOps = 12, DiskWriteOps = 13, DiskIoTime = 14, DiskReadTime = 15, DiskWriteTime = 16;
    private const int NetworkBase = 20;

    private readonly CounterOrigins _origins = new();
    private HostSnapshot _current = new();
    private HostSnapshot _previous = new();
    private long _lastRefresh;
    private bool _hasPrevious;

    // Reused per callback and per thread: a callback fills one under the lock and the SDK enumerates it right after,
    // before that thread observes the next instrument; a second reader on another thread has its own lists.
    [ThreadStatic]
    private static List<Measurement<double>>? t_doubles;

    [ThreadStatic]
    private static List<Measurement<long>>? t_longs;

    private static List<Measurement<double>> Doubles => t_doubles ??= [];

    private static List<Measurement<long>> Longs => t_longs ??= [];

    // Boxed once: per-CPU tag values.
    private object[] _cpuNumbers = [];

    public HostMetricsCollector(IMeterFactory meterFactory, IHostSampler sampler, HostMetricsOptions options, TimeProvider time)
    {
        _sampler = sampler;
        _time = time;
        _options = options;
        _minRefresh = options.Interval / 2;
        _meter = meterFactory.Create(MeterName, typeof(HostMetricsCollector).Assembly.GetName().Version?.ToString());

        // Prime the first snapshot so that the first collection already has a delta for utilization, and make
        // every counter start from it (see CounterOrigins).
        Refresh();
        ObserveCpuTime();
        ObserveDiskIo();
        ObserveDiskOperations();
        ObserveDiskIoTime();
        ObserveDiskOperationTime();
        for (var field = NetworkField.Bytes; field <= NetworkField.Dropped; field++)
        {
            ObserveNetwork(field);
        }

        ObserveProcessesCreated();

        if (options.Cpu)
        {
            _meter.CreateObservableCounter("system.cpu.time", ObserveCpuTime, "s", "Seconds each logical CPU spent in each mode");
            _meter.CreateObservableGauge("system.cpu.utilization", ObserveCpuUtilization, "1", "Fraction of CPU time spent in each mode since the previous reading");
            _meter.CreateObservableUpDownCounter("system.cpu.logical.count", ObserveLogicalCount, "{cpu}", "Logical CPUs online");
        }

        if (options.Memory)
        {
            _meter.CreateObservableUpDownCounter("system.memory.usage", ObserveMemoryUsage, "By", "Physical memory by state");
            _meter.CreateObservableGauge("system.memory.utilization", ObserveMemoryUtilization, "1", "Physical memory by state, as a fraction of the total");
            _meter.CreateObservableUpDownCounter("system.memory.limit", ObserveMemoryLimit, "By", "Total physical memory");
            if (OperatingSystem.IsLinux())
            {
                _meter.CreateObservableUpDownCounter("system.linux.memory.available", ObserveMemoryAvailable, "By", "Memory available to new programs without swapping (MemAvailable)");
            }
        }

        if (options.Paging)
        {
            _meter.CreateObservableUpDownCounter("system.paging.usage", ObservePagingUsage, "By", "Swap or page file by state");
            _meter.CreateObservableGauge("system.paging.utilization", ObservePagingUtilization, "1", "Swap or page file by state, as a fraction of the total");
        }

        if (options.Load && OperatingSystem.IsLinux())
        {
            _meter.CreateObservableGauge("system.cpu.load_average.1m", () => ObserveLoad(0), "{thread}", "Load average over 1 minute");
            _meter.CreateObservableGauge("system.cpu.load_average.5m", () => ObserveLoad(1), "{thread}", "Load average over 5 minutes");
            _meter.CreateObservableGauge("system.cpu.load_average.15m", () => ObserveLoad(2), "{thread}", "Load average over 15 minutes");
        }

        if (options.Disk)
        {
            _meter.CreateObservableCounter("system.disk.io", ObserveDiskIo, "By", "Bytes read from and written to each disk");
            _meter.CreateObservableCounter("system.disk.operations", ObserveDiskOperations, "{operation}", "Read and write operations completed per disk");
            _meter.CreateObservableCounter("system.disk.io_time", ObserveDiskIoTime, "s", "Time each disk had I/O in flight");
            _meter.CreateObservableCounter("system.disk.operation_time", ObserveDiskOperationTime, "s", "Time spent by reads and writes, summed over operations");
        }

        if (options.Filesystem)
        {
            _meter.CreateObservableUpDownCounter("system.filesystem.usage", ObserveFilesystemUsage, "By", "Filesystem space by state");
            _meter.CreateObservableGauge("system.filesystem.utilization", ObserveFilesystemUtilization, "1", "Used filesystem space as a fraction of the total");
        }

        if (options.Network)
        {
            _meter.CreateObservableCounter("system.network.io", () => ObserveNetwork(NetworkField.Bytes), "By", "Bytes received and transmitted per interface");
            _meter.CreateObservableCounter("system.network.packets", () => ObserveNetwork(NetworkField.Packets), "{packet}", "Packets received and transmitted per interface");
            _meter.CreateObservableCounter("system.network.errors", () => ObserveNetwork(NetworkField.Errors), "{error}", "Receive and transmit errors per interface");
            _meter.CreateObservableCounter("system.network.dropped", () => ObserveNetwork(NetworkField.Dropped), "{packet}", "Packets dropped per interface");
        }

        if (options.Uptime)
        {
            _meter.CreateObservableGauge("system.uptime", ObserveUptime, "s", "Seconds since the host booted");
        }

        if (options.Processes)
        {
            _meter.CreateObservableUpDownCounter("system.process.count", ObserveProcessCount, "{process}", "Processes on the host");
            if (OperatingSystem.IsLinux())
            {
                _meter.CreateObservableCounter("system.process.created", ObserveProcessesCreated, "{process}", "Processes created since boot");
            }
        }
    }

    private enum NetworkField
    {
        Bytes,
        Packets,
        Errors,
        Dropped,
    }

    /// <summary>Number of host reads so far (tests check the caching).</summary>
    internal int RefreshCount { get; private set; }

    /// <summary>The snapshot the instruments report, refreshed when older than half the interval.</summary>
    internal HostSnapshot Current
    {
        get
        {
            lock (_gate)
            {
                RefreshIfStale();
                return _current;
            }
        }
    }

    private void RefreshIfStale()
    {
        if (_time.GetElapsedTime(_lastRefresh) >= _minRefresh)
        {
            Refresh();
        }
    }

    private void Refresh()
    {
        (_previous, _current) = (_current, _previous);
        _hasPrevious = RefreshCount > 0;
        _current.Clear();
        _sampler.Sample(_current);
        _lastRefresh = _time.GetTimestamp();
        RefreshCount++;
    }

    private IEnumerable<Measurement<double>> ObserveCpuTime()
    {
        lock (_gate)
        {
            var snapshot = Begin(Doubles);
            if (!snapshot.HasCpu)
            {
                return Doubles;
            }

            AddModes(Doubles, SinceStart(HostCpuKey, snapshot.CpuTotal), null);
            for (var i = 0; i < PerCpuCount(snapshot); i++)
            {
                var number = CpuNumber(snapshot.CpuIds[i]);
                AddModes(Doubles, SinceStart(number, snapshot.PerCpu[i]), number);
            }

            return Doubles;
        }
    }

    private CpuTimes SinceStart(object key, in CpuTimes raw)
    {
        CpuTimes counted = default;
        for (var mode = 0; mode < CpuMode.Count; mode++)
        {
            counted[mode] = _origins.SinceStart(key, mode, raw[mode]);
        }

        return counted;
    }

    private IEnumerable<Measurement<double>> ObserveCpuUtilization()
    {
        lock (_gate)
        {
            var snapshot = Begin(Doubles);
            if (!snapshot.HasCpu || !_hasPrevious || !_previous.HasCpu)
            {
                return Doubles;
            }

            CpuTimes utilization = default;
            if (CpuUtilization.TryCompute(_previous.CpuTotal, snapshot.CpuTotal, ref utilization))
            {
                AddModes(Doubles, utilization, null);
            }

            for (var i = 0; i < PerCpuCount(snapshot); i++)
            {
                var id = snapshot.CpuIds[i];
                var previousIndex = FindCpu(_previous, id, i);
                if (previousIndex >= 0 && CpuUtilization.TryCompute(_previous.PerCpu[previousIndex], snapshot.PerCpu[i], ref utilization))
                {
                    AddModes(Doubles, utilization, CpuNumber(id));
                }
            }

            return Doubles;
        }
    }

    private int PerCpuCount(HostSnapshot snapshot) => _options.PerCpu ? snapshot.PerCpuCount : 0;

    private static int FindCpu(HostSnapshot snapshot, int id, int hint)
    {
        if (hint < snapshot.PerCpuCount && snapshot.CpuIds[hint] == id)
        {
            return hint;
        }

        for (var i = 0; i < snapshot.PerCpuCount; i++)
        {
            if (snapshot.CpuIds[i] == id)
            {
                return i;
            }
        }

        return -1;
    }

    private IEnumerable<Measurement<long>> ObserveLogicalCount()
    {
        lock (_gate)
        {
            var snapshot = Begin(Longs);
            if (snapshot.LogicalCpuCount > 0)
            {
                Longs.Add(new Measurement<long>(snapshot.LogicalCpuCount));
            }

            return Longs;
        }
    }

    private IEnumerable<Measurement<long>> ObserveMemoryUsage()
    {
        lock (_gate)
        {
            var snapshot = Begin(Longs);
            if (!snapshot.HasMemory)
            {
                return Longs;
            }

            var memory = snapshot.Memory;
            Longs.Add(new Measurement<long>(memory.Used, new KeyValuePair<string, object?>(Tag.MemoryState, "used")));
            Longs.Add(new Measurement<long>(memory.Free, new KeyValuePair<string, object?>(Tag.MemoryState, "free")));
            if (memory.HasCacheStates)
            {
                Longs.Add(new Measurement<long>(memory.Cached, new KeyValuePair<string, object?>(Tag.MemoryState, "cached")));
                Longs.Add(new Measurement<long>(memory.Buffers, new KeyValuePair<string, object?>(Tag.MemoryState, "buffers")));
            }

            return Longs;
        }
    }

    private IEnumerable<Measurement<double>> ObserveMemoryUtilization()
    {
        lock (_gate)
        {
            var snapshot = Begin(Doubles);
            if (!snapshot.HasMemory || snapshot.Memory.Total <= 0)
            {
                return Doubles;
            }

            var memory = snapshot.Memory;
            double total = memory.Total;
            Doubles.Add(new Measurement<double>(memory.Used / total, new KeyValuePair<string, object?>(Tag.MemoryState, "used")));
            Doubles.Add(new Measurement<double>(memory.Free / total, new KeyValuePair<string, object?>(Tag.MemoryState, "free")));
            if (memory.HasCacheStates)
            {
                Doubles.Add(new Measurement<double>(memory.Cached / total, new KeyValuePair<string, object?>(Tag.MemoryState, "cached")));
                Doubles.Add(new Measurement<double>(memory.Buffers / total, new KeyValuePair<string, object?>(Tag.MemoryState, "buffers")));
            }

            return Doubles;
        }
    }

    private IEnumerable<Measurement<long>> ObserveMemoryLimit()
    {
        lock (_gate)
        {
            var snapshot = Begin(Longs);
            if (snapshot.HasMemory)
            {
                Longs.Add(new Measurement<long>(snapshot.Memory.Total));
            }

            return Longs;
        }
    }

    private IEnumerable<Measurement<long>> ObserveMemoryAvailable()
    {
        lock (_gate)
        {
            var snapshot = Begin(Longs);
            if (snapshot.HasMemory && snapshot.Memory.Available >= 0)
            {
                Longs.Add(new Measurement<long>(snapshot.Memory.Available));
            }

            return Longs;
        }
    }

    private IEnumerable<Measurement<long>> ObservePagingUsage()
    {
        lock (_gate)
        {
            var snapshot = Begin(Longs);
            if (snapshot.HasPaging)
            {
                Longs.Add(new Measurement<long>(snapshot.Paging.Used, new KeyValuePair<string, object?>(Tag.PagingState, "used")));
                Longs.Add(new Measurement<long>(snapshot.Paging.Free, new KeyValuePair<string, object?>(Tag.PagingState, "free")));
            }

            return Longs;
        }
    }

    private IEnumerable<Measurement<double>> ObservePagingUtilization()
    {
        lock (_gate)
        {
            var snapshot = Begin(Doubles);
            if (snapshot.HasPaging && snapshot.Paging.Total > 0)
            {
                double total = snapshot.Paging.Total;
                Doubles.Add(new Measurement<double>(snapshot.Paging.Used / total, new KeyValuePair<string, object?>(Tag.PagingState, "used")));
                Doubles.Add(new Measurement<double>(snapshot.Paging.Free / total, new KeyValuePair<string, object?>(Tag.PagingState, "free")));
            }

            return Doubles;
        }
    }

    private IEnumerable<Measurement<double>> ObserveLoad(int which)
    {
        lock (_gate)
        {
            var snapshot = Begin(Doubles);
            if (snapshot.HasLoad)
            {
                var load = snapshot.Load;
                Doubles.Add(new Measurement<double>(which switch { 0 => load.OneMinute, 1 => load.FiveMinutes, _ => load.FifteenMinutes }));
            }

            return Doubles;
        }
    }

    private IEnumerable<Measurement<long>> ObserveDiskIo()
    {
        lock (_gate)
        {
            var snapshot = Begin(Longs);
            foreach (var disk in snapshot.Disks)
            {
                Longs.Add(new Measurement<long>(_origins.SinceStart(disk.Device, DiskReadBytes, disk.ReadBytes), new(Tag.Device, disk.Device), Tag.Read));
                Longs.Add(new Measurement<long>(_origins.SinceStart(disk.Device, DiskWriteBytes, disk.WriteBytes), new(Tag.Device, disk.Device), Tag.Write));
            }

            return Longs;
        }
    }

    private IEnumerable<Measurement<long>> ObserveDiskOperations()
    {
        lock (_gate)
        {
            var snapshot = Begin(Longs);
            foreach (var disk in snapshot.Disks)
            {
                Longs.Add(new Measurement<long>(_origins.SinceStart(disk.Device, DiskReadOps, disk.ReadOperations), new(Tag.Device, disk.Device), Tag.Read));
                Longs.Add(new Measurement<long>(_origins.SinceStart(disk.Device, DiskWriteOps, disk.WriteOperations), new(Tag.Device, disk.Device), Tag.Write));
            }

            return Longs;
        }
    }

    private IEnumerable<Measurement<double>> ObserveDiskIoTime()
    {
        lock (_gate)
        {
            var snapshot = Begin(Doubles);
            foreach (var disk in snapshot.Disks)
            {
                if (disk.IoTimeSeconds >= 0)
                {
                    Doubles.Add(new Measurement<double>(_origins.SinceStart(disk.Device, DiskIoTime, disk.IoTimeSeconds), new KeyValuePair<string, object?>(Tag.Device, disk.Device)));
                }
            }

            return Doubles;
        }
    }

    private IEnumerable<Measurement<double>> ObserveDiskOperationTime()
    {
        lock (_gate)
        {
            var snapshot = Begin(Doubles);
            foreach (var disk in snapshot.Disks)
            {
                Doubles.Add(new Measurement<double>(_origins.SinceStart(disk.Device, DiskReadTime, disk.ReadTimeSeconds), new(Tag.Device, disk.Device), Tag.Read));
                Doubles.Add(new Measurement<double>(_origins.SinceStart(disk.Device, DiskWriteTime, disk.WriteTimeSeconds), new(Tag.Device, disk.Device), Tag.Write));
            }

            return Doubles;
        }
    }

    private IEnumerable<Measurement<long>> ObserveFilesystemUsage()
    {
        lock (_gate)
        {
            var snapshot = Begin(Longs);
            foreach (var fs in snapshot.Filesystems)
            {
                AddFilesystem(Longs, fs, fs.Used, "used");
                AddFilesystem(Longs, fs, fs.Free, "free");
                AddFilesystem(Longs, fs, fs.Reserved, "reserved");
            }

            return Longs;
        }
    }

    private static void AddFilesystem(List<Measurement<long>> into, in FilesystemUsage fs, long value, string state) =>
        into.Add(new Measurement<long>(
            value,
            new(Tag.Device, fs.Device),
            new(Tag.MountPoint, fs.MountPoint),
            new(Tag.FilesystemType, fs.Type),
            new(Tag.FilesystemState, state)));

    private IEnumerable<Measurement<double>> ObserveFilesystemUtilization()
    {
        lock (_gate)
        {
            var snapshot = Begin(Doubles);
            foreach (var fs in snapshot.Filesystems)
            {
                Doubles.Add(new Measurement<double>(
                    fs.Utilization,
                    new(Tag.Device, fs.Device),
                    new(Tag.MountPoint, fs.MountPoint),
                    new(Tag.FilesystemType, fs.Type)));
            }

            return Doubles;
        }
    }

    private IEnumerable<Measurement<long>> ObserveNetwork(NetworkField field)
    {
        lock (_gate)
        {
            var snapshot = Begin(Longs);
            foreach (var nic in snapshot.Networks)
            {
                var (received, transmitted) = field switch
                {
                    NetworkField.Bytes => (nic.ReceiveBytes, nic.TransmitBytes),
                    NetworkField.Packets => (nic.ReceivePackets, nic.TransmitPackets),
                    NetworkField.Errors => (nic.ReceiveErrors, nic.TransmitErrors),
                    _ => (nic.ReceiveDropped, nic.TransmitDropped),
                };
                var field2 = NetworkBase + ((int)field * 2);
                Longs.Add(new Measurement<long>(_origins.SinceStart(nic.Interface, field2, received), new(Tag.Interface, nic.Interface), Tag.Receive));
                Longs.Add(new Measurement<long>(_origins.SinceStart(nic.Interface, field2 + 1, transmitted), new(Tag.Interface, nic.Interface), Tag.Transmit));
            }

            return Longs;
        }
    }

    private IEnumerable<Measurement<double>> ObserveUptime()
    {
        lock (_gate)
        {
            var snapshot = Begin(Doubles);
            if (snapshot.HasUptime)
            {
                Doubles.Add(new Measurement<double>(snapshot.UptimeSeconds));
            }

            return Doubles;
        }
    }

    private IEnumerable<Measurement<long>> ObserveProcessCount()
    {
        lock (_gate)
        {
            var snapshot = Begin(Longs);
            if (snapshot.HasProcessCount)
            {
                Longs.Add(new Measurement<long>(snapshot.ProcessCount));
            }

            return Longs;
        }
    }

    private IEnumerable<Measurement<long>> ObserveProcessesCreated()
    {
        lock (_gate)
        {
            var snapshot = Begin(Longs);
            if (snapshot.ProcessesCreated >= 0)
            {
                Longs.Add(new Measurement<long>(_origins.SinceStart(ProcessesKey, 0, snapshot.ProcessesCreated)));
            }

            return Longs;
        }
    }

    private HostSnapshot Begin<T>(List<Measurement<T>> list)
        where T : struct
    {
        list.Clear();
        return Current;
    }

    private static void AddModes(List<Measurement<double>> into, in CpuTimes times, object? cpuNumber)
    {
        for (var mode = 0; mode < CpuMode.Count; mode++)
        {
            into.Add(cpuNumber is null
                ? new Measurement<double>(times[mode], new KeyValuePair<string, object?>(Tag.CpuMode, CpuMode.Names[mode]))
                : new Measurement<double>(times[mode], new(Tag.CpuMode, CpuMode.Names[mode]), new(Tag.CpuNumber, cpuNumber)));
        }
    }

    private object CpuNumber(int id)
    {
        if (id >= _cpuNumbers.Length)
        {
            var grown = new object[Math.Max(id + 1, _cpuNumbers.Length * 2)];
            Array.Copy(_cpuNumbers, grown, _cpuNumbers.Length);
            _cpuNumbers = grown;
        }

        return _cpuNumbers[id] ??= id;
    }

    public void Dispose()
    {
        _meter.Dispose();
        (_sampler as IDisposable)?.Dispose();
    }

    /// <summary>Attribute names (OpenTelemetry semantic conventions) and the shared direction values.</summary>
    private static class Tag
    {
        public const string CpuMode = "cpu.mode";
        public const string CpuNumber = "cpu.logical_number";
        public const string MemoryState = "system.memory.state";
        public const string PagingState = "system.paging.state";
        public const string Device = "system.device";
        public const string MountPoint = "system.filesystem.mountpoint";
        public const string FilesystemType = "system.filesystem.type";
        public const string FilesystemState = "system.filesystem.state";
        public const string Interface = "network.interface.name";

        public static readonly KeyValuePair<string, object?> Read = new("disk.io.direction", "read");
        public static readonly KeyValuePair<string, object?> Write = new("disk.io.direction", "write");
        public static readonly KeyValuePair<string, object?> Receive = new("network.io.direction", "receive");
        public static readonly KeyValuePair<string, object?> Transmit = new("network.io.direction", "transmit");
    }
}
