using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using System.Diagnostics.Metrics;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.HostMetrics;

namespace Telemetry.Agent.Tests.HostMetrics;

public class HostMetricsCollectorTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new();
    private readonly MeasurementRecorder _recorder;

    public HostMetricsCollectorTests() => _recorder = new(HostMetricsCollector.MeterName, Meters);

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    /// <summary>A host whose CPU counters advance by a fixed step on every read.</summary>
    private sealed class ScriptedSampler : IHostSampler
    {
        public int Reads { get; private set; }

        public void Sample(HostSnapshot snapshot)
        {
            Reads++;
            snapshot.HasCpu = true;
            snapshot.CpuTotal[CpuMode.User] = 10 * Reads;
            snapshot.CpuTotal[CpuMode.Idle] = 30 * Reads;
            snapshot.EnsurePerCpuCapacity(2);
            snapshot.PerCpu[0][CpuMode.User] = 10 * Reads;
            snapshot.PerCpu[0][CpuMode.Idle] = 10 * Reads;
            snapshot.PerCpu[1][CpuMode.Idle] = 20 * Reads;
            snapshot.CpuIds[0] = 0;
            snapshot.CpuIds[1] = 3;
            snapshot.PerCpuCount = 2;
            snapshot.LogicalCpuCount = 2;
            snapshot.HasMemory = true;
            snapshot.Memory = new MemoryUsage { Total = 1000, Used = 400, Free = 300, Cached = 200, Buffers = 100, Available = 550, HasCacheStates = true };
            snapshot.HasPaging = true;
            snapshot.Paging = new PagingUsage { Total = 100, Used = 25, Free = 75 };
            snapshot.HasLoad = true;
            snapshot.Load = new LoadAverage { OneMinute = 1.5, FiveMinutes = 1, FifteenMinutes = 0.5 };
            snapshot.Disks.Add(new DiskCounters { Device = "sda", ReadBytes = 512 * Reads, WriteBytes = 1024, ReadOperations = Reads, WriteOperations = 2, IoTimeSeconds = 0.5 });
            snapshot.Filesystems.Add(new FilesystemUsage { Device = "/dev/sda1", MountPoint = "/", Type = "ext4", Total = 100, Used = 60, Free = 35, Reserved = 5 });
            snapshot.Networks.Add(new NetworkCounters { Interface = "eth0", ReceiveBytes = 100 * Reads, TransmitBytes = 50 });
            snapshot.HasUptime = true;
            snapshot.UptimeSeconds = 1000 + Reads;
            snapshot.HasProcessCount = true;
            snapshot.ProcessCount = 123;
            snapshot.ProcessesCreated = 4567;
        }
    }

    private HostMetricsCollector Create(ScriptedSampler sampler, Action<HostMetricsOptions>? configure = null)
    {
        var options = new HostMetricsOptions();
        configure?.Invoke(options);
        return new HostMetricsCollector(Meters, sampler, options, _time);
    }

    [Fact]
    public void One_collection_reads_the_host_once_however_many_instruments_observe_it()
    {
        var sampler = new ScriptedSampler();
        using var collector = Create(sampler);
        Assert.Equal(1, sampler.Reads); // primed at start

        _time.Advance(TimeSpan.FromSeconds(10));
        var measurements = _recorder.Collect();

        Assert.True(_recorder.InstrumentNames.Count > 15);
        Assert.Equal(2, sampler.Reads);
        Assert.NotEmpty(measurements);
    }

    [Fact]
    public void Collections_closer_than_half_the_interval_reuse_the_snapshot()
    {
        var sampler = new ScriptedSampler();
        using var collector = Create(sampler, o => o.Interval = TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(4));
        _recorder.Collect();
        Assert.Equal(1, sampler.Reads);

        _time.Advance(TimeSpan.FromSeconds(1));
        _recorder.Collect();
        Assert.Equal(2, sampler.Reads);
    }

    [Fact]
    public void Utilization_comes_from_the_difference_between_two_reads()
    {
        var sampler = new ScriptedSampler();
        using var collector = Create(sampler);
        _time.Advance(TimeSpan.FromSeconds(10));

        var utilization = _recorder.Collect().Where(m => m.Instrument == "system.cpu.utilization").ToList();

        Assert.Equal(CpuMode.Count, utilization.Count);
        Assert.Equal(0.25, utilization.Single(m => m.Tag("cpu.mode") == "user").Value, 9);
        Assert.Equal(0.75, utilization.Single(m => m.Tag("cpu.mode") == "idle").Value, 9);
        Assert.All(utilization, m => Assert.Null(m.Tag("cpu.logical_number")));
    }

    [Fact]
    public void Per_cpu_series_carry_the_cpu_number_when_enabled()
    {
        var sampler = new ScriptedSampler();
        using var collector = Create(sampler, o => o.PerCpu = true);
        _time.Advance(TimeSpan.FromSeconds(10));

        var measurements = _recorder.Collect();
        var perCpu = measurements.Where(m => m.Instrument == "system.cpu.utilization" && m.Tag("cpu.logical_number") is not null).ToList();

        Assert.Equal(["0", "3"], perCpu.Select(m => m.Tag("cpu.logical_number")!).Distinct().Order());
        Assert.Equal(0.5, perCpu.Single(m => m.Tag("cpu.logical_number") == "0" && m.Tag("cpu.mode") == "user").Value, 9);
        Assert.Equal(1.0, perCpu.Single(m => m.Tag("cpu.logical_number") == "3" && m.Tag("cpu.mode") == "idle").Value, 9);
        Assert.Equal(3 * CpuMode.Count, measurements.Count(m => m.Instrument == "system.cpu.time"));
    }

    [Fact]
    public void Every_family_reports_with_semantic_convention_names_and_attributes()
    {
        var sampler = new ScriptedSampler();
        using var collector = Create(sampler);
        _time.Advance(TimeSpan.FromSeconds(10));

        var m = _recorder.Collect();

        Assert.Equal(400, m.Single(x => x.Instrument == "system.memory.usage" && x.Tag("system.memory.state") == "used").Value);
        Assert.Equal(0.1, m.Single(x => x.Instrument == "system.memory.utilization" && x.Tag("system.memory.state") == "buffers").Value, 9);
        Assert.Equal(1000, m.Single(x => x.Instrument == "system.memory.limit").Value);
        Assert.Equal(550, m.Single(x => x.Instrument == "system.linux.memory.available").Value);
        Assert.Equal(25, m.Single(x => x.Instrument == "system.paging.usage" && x.Tag("system.paging.state") == "used").Value);
        Assert.Equal(1.5, m.Single(x => x.Instrument == "system.cpu.load_average.1m").Value);
        Assert.Equal(0.5, m.Single(x => x.Instrument == "system.cpu.load_average.15m").Value);
        // Counters count from the agent's start (the primed read): the scripted disk read 512 more bytes since.
        Assert.Equal(512, m.Single(x => x.Instrument == "system.disk.io" && x.Tag("system.device") == "sda" && x.Tag("disk.io.direction") == "read").Value);
        Assert.Equal(0, m.Single(x => x.Instrument == "system.disk.operations" && x.Tag("disk.io.direction") == "write").Value);
        Assert.Equal(0, m.Single(x => x.Instrument == "system.disk.io_time").Value);
        var reserved = m.Single(x => x.Instrument == "system.filesystem.usage" && x.Tag("system.filesystem.state") == "reserved");
        Assert.Equal(5, reserved.Value);
        Assert.Equal("/", reserved.Tag("system.filesystem.mountpoint"));
        Assert.Equal("ext4", reserved.Tag("system.filesystem.type"));
        Assert.Equal("/dev/sda1", reserved.Tag("system.device"));
        Assert.Equal(0.6, m.Single(x => x.Instrument == "system.filesystem.utilization").Value, 9);
        Assert.Equal(100, m.Single(x => x.Instrument == "system.network.io" && x.Tag("network.interface.name") == "eth0" && x.Tag("network.io.direction") == "receive").Value);
        Assert.Equal(2, m.Count(x => x.Instrument == "system.network.dropped"));
        Assert.Equal(1002, m.Single(x => x.Instrument == "system.uptime").Value);
        Assert.Equal(123, m.Single(x => x.Instrument == "system.process.count").Value);
        Assert.Equal(0, m.Single(x => x.Instrument == "system.process.created").Value);
        Assert.Equal(2, m.Single(x => x.Instrument == "system.cpu.logical.count").Value);
        Assert.Equal("s", _recorder.Units["system.cpu.time"]);
        Assert.Equal("By", _recorder.Units["system.memory.usage"]);
        Assert.Equal("1", _recorder.Units["system.cpu.utilization"]);
    }

    [Fact]
    public void Cpu_time_counts_from_the_agent_start_not_from_boot()
    {
        var sampler = new ScriptedSampler();
        using var collector = Create(sampler);
        _time.Advance(TimeSpan.FromSeconds(10));
        var first = _recorder.Collect().Single(m => m.Instrument == "system.cpu.time" && m.Tag("cpu.mode") == "idle").Value;
        _time.Advance(TimeSpan.FromSeconds(10));
        var second = _recorder.Collect().Single(m => m.Instrument == "system.cpu.time" && m.Tag("cpu.mode") == "idle").Value;

        Assert.Equal(30, first, 9);
        Assert.Equal(60, second, 9);
    }

    [Fact]
    public void A_family_switched_off_creates_no_instrument()
    {
        var sampler = new ScriptedSampler();
        using var collector = Create(sampler, o =>
        {
            o.Network = false;
            o.Disk = false;
            o.Load = false;
        });

        _recorder.Collect();

        Assert.DoesNotContain(_recorder.InstrumentNames, n => n.StartsWith("system.network.", StringComparison.Ordinal) || n.StartsWith("system.disk.", StringComparison.Ordinal) || n.Contains("load_average", StringComparison.Ordinal));
        Assert.Contains("system.cpu.utilization", _recorder.InstrumentNames);
    }

    public void Dispose()
    {
        _recorder.Dispose();
        _services.Dispose();
    }
}
