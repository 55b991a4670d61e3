using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.HostMetrics;
using Telemetry.Agent.HostMetrics.Linux;

namespace Telemetry.Agent.Tests.HostMetrics.Linux;

/// <summary>
/// The real sampler on this machine, compared with independent tools run in the same test, just before and
/// just after our read. Where a figure can move between the reads (memory, disk space, counters), ours must lie
/// between the tool's two readings, widened by a stated slack for what other processes do meanwhile.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class LinuxSamplerAgainstSystemToolsTests : IDisposable
{
    /// <summary>Memory and disk space other processes may take or give back between the tools' runs and ours.</summary>
    private const long Slack = 64L << 20;

    private readonly LinuxHostSampler _sampler = new(new HostMetricsOptions { PerCpu = true }, NullLogger.Instance);

    public LinuxSamplerAgainstSystemToolsTests()
    {
        Assert.True(OperatingSystem.IsLinux(), "these tests compare /proc readings with Linux tools");
    }

    private HostSnapshot Sample()
    {
        var snapshot = new HostSnapshot();
        _sampler.Sample(snapshot);
        return snapshot;
    }

    private static void AssertBetween(long first, long ours, long second, long slack, string what)
    {
        var low = Math.Min(first, second) - slack;
        var high = Math.Max(first, second) + slack;
        Assert.True(ours >= low && ours <= high, $"{what}: ours {ours} not within [{low}, {high}] (tool read {first} then {second})");
    }

    [Fact]
    public async Task Cpu_utilization_over_two_seconds_matches_mpstat()
    {
        var mpstat = Command.Start("mpstat", "-o", "JSON", "2", "1");
        var before = Sample();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = Sample();
        using var json = JsonDocument.Parse(await Command.FinishAsync(mpstat));

        var all = json.RootElement.GetProperty("sysstat").GetProperty("hosts")[0].GetProperty("statistics")[0].GetProperty("cpu-load")[0];
        double Percent(string name) => all.GetProperty(name).GetDouble() / 100;
        CpuTimes ours = default;
        Assert.True(CpuUtilization.TryCompute(before.CpuTotal, after.CpuTotal, ref ours));

        // The two windows start a few milliseconds apart on a machine others are loading: 6 points of tolerance.
        const double Tolerance = 0.06;
        var theirsIdle = Percent("idle") + Percent("iowait");
        var oursIdle = ours[CpuMode.Idle] + ours[CpuMode.IoWait];
        Assert.True(Math.Abs(theirsIdle - oursIdle) <= Tolerance, $"idle+iowait: mpstat {theirsIdle:F3}, ours {oursIdle:F3}");
        var theirsUser = Percent("usr") + Percent("nice") + Percent("guest") + Percent("gnice");
        var oursUser = ours[CpuMode.User] + ours[CpuMode.Nice];
        Assert.True(Math.Abs(theirsUser - oursUser) <= Tolerance, $"user+nice: mpstat {theirsUser:F3}, ours {oursUser:F3}");
        var theirsSystem = Percent("sys") + Percent("irq") + Percent("soft");
        var oursSystem = ours[CpuMode.System] + ours[CpuMode.Interrupt] + ours[CpuMode.SoftIrq];
        Assert.True(Math.Abs(theirsSystem - oursSystem) <= Tolerance, $"system+irq+soft: mpstat {theirsSystem:F3}, ours {oursSystem:F3}");
    }

    [Fact]
    public void Cpu_times_match_a_second_independent_read_of_proc_stat()
    {
        var ours = Sample();
        var lines = File.ReadAllLines("/proc/stat");

        var total = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("cpu", total[0]);
        int[] modes = [CpuMode.User, CpuMode.Nice, CpuMode.System, CpuMode.Idle, CpuMode.IoWait, CpuMode.Interrupt, CpuMode.SoftIrq, CpuMode.Steal];
        for (var i = 0; i < modes.Length; i++)
        {
            var later = long.Parse(total[i + 1], CultureInfo.InvariantCulture) / 100.0;
            var mine = ours.CpuTotal[modes[i]];
            // Read a few milliseconds later: equal or a little ahead (at most 1 s of CPU time on this 2-core host).
            Assert.True(later >= mine && later - mine <= 1.0, $"{CpuMode.Names[modes[i]]}: ours {mine}, later read {later}");
        }

        var perCpuLines = lines.Count(l => l.StartsWith("cpu", StringComparison.Ordinal) && char.IsAsciiDigit(l[3]));
        Assert.Equal(perCpuLines, ours.PerCpuCount);
    }

    [Fact]
    public async Task Per_cpu_series_count_equals_nproc()
    {
        var nproc = int.Parse((await Command.RunAsync("nproc", "--all")).Trim(), CultureInfo.InvariantCulture);
        var ours = Sample();

        Assert.Equal(nproc, ours.PerCpuCount);
        Assert.Equal(nproc, ours.LogicalCpuCount);
        Assert.Equal(nproc, ours.CpuIds[..ours.PerCpuCount].Distinct().Count());
    }

    [Fact]
    public async Task Memory_matches_free_in_bytes()
    {
        var first = ParseFree(await Command.RunAsync("free", "-b", "-w"));
        var ours = Sample();
        var second = ParseFree(await Command.RunAsync("free", "-b", "-w"));

        Assert.True(ours.HasMemory);
        Assert.Equal(first.Mem[0], ours.Memory.Total);
        // free -w columns: total used free shared buffers cache available.
        AssertBetween(first.Mem[2], ours.Memory.Free, second.Mem[2], Slack, "free");
        AssertBetween(first.Mem[4], ours.Memory.Buffers, second.Mem[4], Slack, "buffers");
        AssertBetween(first.Mem[5], ours.Memory.Cached, second.Mem[5], Slack, "cached (Cached + SReclaimable)");
        AssertBetween(first.Mem[6], ours.Memory.Available, second.Mem[6], Slack, "available");
        // procps-ng >= 4.0.1 prints used = total - available; ours is total - free - buffers - cache (documented).
        AssertBetween(first.Mem[0] - first.Mem[2] - first.Mem[4] - first.Mem[5], ours.Memory.Used, second.Mem[0] - second.Mem[2] - second.Mem[4] - second.Mem[5], Slack, "used");
        Assert.Equal(ours.Memory.Total, ours.Memory.Used + ours.Memory.Free + ours.Memory.Buffers + ours.Memory.Cached);

        Assert.True(ours.HasPaging);
        Assert.Equal(first.Swap[0], ours.Paging.Total);
        AssertBetween(first.Swap[1], ours.Paging.Used, second.Swap[1], Slack, "swap used");
        AssertBetween(first.Swap[2], ours.Paging.Free, second.Swap[2], Slack, "swap free");
    }

    private static (long[] Mem, long[] Swap) ParseFree(string output)
    {
        long[] Row(string label) => output.Split('\n').Single(l => l.StartsWith(label, StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return (Row("Mem:"), Row("Swap:"));
    }

    [Fact]
    public async Task Filesystems_match_df()
    {
        var first = ParseDf(await Command.RunAsync("df", "-B1", "--output=target,fstype,size,used,avail"));
        var ours = Sample();
        var second = ParseDf(await Command.RunAsync("df", "-B1", "--output=target,fstype,size,used,avail"));

        Assert.Contains(ours.Filesystems, f => f.MountPoint == "/");
        foreach (var fs in ours.Filesystems)
        {
            Assert.True(first.TryGetValue(fs.MountPoint, out var a), $"df does not list {fs.MountPoint}");
            var b = second[fs.MountPoint];
            Assert.Equal(a.Type, fs.Type);
            Assert.Equal(a.Size, fs.Total);
            AssertBetween(a.Used, fs.Used, b.Used, Slack, $"{fs.MountPoint} used");
            AssertBetween(a.Avail, fs.Free, b.Avail, Slack, $"{fs.MountPoint} free (df Avail)");
            AssertBetween(a.Size - a.Used - a.Avail, fs.Reserved, b.Size - b.Used - b.Avail, Slack, $"{fs.MountPoint} reserved");
            Assert.Equal(fs.Total, fs.Used + fs.Free + fs.Reserved);
        }

        // Every real (non-pseudo) filesystem df shows is ours too.
        foreach (var (target, row) in first)
        {
            if (!FilesystemFilter.IsExcludedType(System.Text.Encoding.UTF8.GetBytes(row.Type))
                && !FilesystemFilter.IsExcludedMountPoint(System.Text.Encoding.UTF8.GetBytes(target)) && row.Size > 0)
            {
                Assert.Contains(ours.Filesystems, f => f.MountPoint == target);
            }
        }
    }

    private static Dictionary<string, (string Type, long Size, long Used, long Avail)> ParseDf(string output)
    {
        var rows = new Dictionary<string, (string, long, long, long)>();
        foreach (var line in output.Split('\n').Skip(1))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 5)
            {
                continue;
            }

            // The target may contain spaces: the four numeric columns are the last ones.
            var n = parts.Length;
            var target = string.Join(' ', parts[..(n - 4)]);
            rows[target] = (parts[n - 4], long.Parse(parts[n - 3], CultureInfo.InvariantCulture), long.Parse(parts[n - 2], CultureInfo.InvariantCulture), long.Parse(parts[n - 1], CultureInfo.InvariantCulture));
        }

        return rows;
    }

    [Fact]
    public async Task Network_counters_lie_between_two_ip_link_readings()
    {
        using var first = JsonDocument.Parse(await Command.RunAsync("ip", "-s", "-j", "link"));
        var ours = Sample();
        using var second = JsonDocument.Parse(await Command.RunAsync("ip", "-s", "-j", "link"));

        var before = IpStats(first);
        var after = IpStats(second);
        Assert.NotEmpty(ours.Networks);
        Assert.Equal(before.Keys.Order(), ours.Networks.Select(n => n.Interface).Order());
        foreach (var nic in ours.Networks)
        {
            var a = before[nic.Interface];
            var b = after[nic.Interface];
            AssertBetween(a.RxBytes, nic.ReceiveBytes, b.RxBytes, 0, $"{nic.Interface} rx bytes");
            AssertBetween(a.RxPackets, nic.ReceivePackets, b.RxPackets, 0, $"{nic.Interface} rx packets");
            AssertBetween(a.TxBytes, nic.TransmitBytes, b.TxBytes, 0, $"{nic.Interface} tx bytes");
            AssertBetween(a.TxPackets, nic.TransmitPackets, b.TxPackets, 0, $"{nic.Interface} tx packets");
            AssertBetween(a.RxErrors, nic.ReceiveErrors, b.RxErrors, 0, $"{nic.Interface} rx errors");
            AssertBetween(a.TxErrors, nic.TransmitErrors, b.TxErrors, 0, $"{nic.Interface} tx errors");
            AssertBetween(a.RxDropped, nic.ReceiveDropped, b.RxDropped, 0, $"{nic.Interface} rx dropped (+missed)");
            AssertBetween(a.TxDropped, nic.TransmitDropped, b.TxDropped, 0, $"{nic.Interface} tx dropped");
        }
    }

    private static Dictionary<string, (long RxBytes, long RxPackets, long RxErrors, long RxDropped, long TxBytes, long TxPackets, long TxErrors, long TxDropped)> IpStats(JsonDocument json)
    {
        var stats = new Dictionary<string, (long, long, long, long, long, long, long, long)>();
        foreach (var link in json.RootElement.EnumerateArray())
        {
            var s = link.GetProperty("stats64");
            var rx = s.GetProperty("rx");
            var tx = s.GetProperty("tx");
            long Get(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetInt64() : 0;
            stats[link.GetProperty("ifname").GetString()!] = (
                Get(rx, "bytes"), Get(rx, "packets"), Get(rx, "errors"), Get(rx, "dropped") + Get(rx, "missed"),
                Get(tx, "bytes"), Get(tx, "packets"), Get(tx, "errors"), Get(tx, "dropped"));
        }

        return stats;
    }

    [Fact]
    public async Task Load_average_equals_proc_loadavg_read_around_it()
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var before = await File.ReadAllTextAsync("/proc/loadavg");
            var ours = Sample();
            var after = await File.ReadAllTextAsync("/proc/loadavg");
            var beforeFields = before.Split(' ');
            if (beforeFields[0] != after.Split(' ')[0] || beforeFields[2] != after.Split(' ')[2])
            {
                continue; // the kernel updated the averages between the reads (every 5 s): read again
            }

            Assert.True(ours.HasLoad);
            Assert.Equal(double.Parse(beforeFields[0], CultureInfo.InvariantCulture), ours.Load.OneMinute);
            Assert.Equal(double.Parse(beforeFields[1], CultureInfo.InvariantCulture), ours.Load.FiveMinutes);
            Assert.Equal(double.Parse(beforeFields[2], CultureInfo.InvariantCulture), ours.Load.FifteenMinutes);
            return;
        }

        Assert.Fail("/proc/loadavg changed during every one of 5 attempts");
    }

    [Fact]
    public async Task Uptime_and_process_count_match_proc_and_ps()
    {
        var psBefore = (await Command.RunAsync("ps", "-e", "--no-headers")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        var ours = Sample();
        var psAfter = (await Command.RunAsync("ps", "-e", "--no-headers")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        var uptime = double.Parse((await File.ReadAllTextAsync("/proc/uptime")).Split(' ')[0], CultureInfo.InvariantCulture);

        Assert.True(ours.HasUptime);
        Assert.InRange(uptime - ours.UptimeSeconds, 0, 2);
        Assert.True(ours.HasProcessCount);
        // ps itself is one of the processes it lists; other helpers start and stop processes meanwhile.
        AssertBetween(psBefore, ours.ProcessCount, psAfter, 20, "process count");
        Assert.True(ours.ProcessesCreated > 0);
    }

    [Fact]
    public void Disk_counters_match_a_later_read_of_proc_diskstats()
    {
        var ours = Sample();
        var later = File.ReadAllLines("/proc/diskstats")
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(p => p[2], p => p);

        foreach (var disk in ours.Disks)
        {
            var row = later[disk.Device];
            var readBytes = long.Parse(row[5], CultureInfo.InvariantCulture) * 512;
            var writeOps = long.Parse(row[7], CultureInfo.InvariantCulture);
            Assert.InRange(readBytes - disk.ReadBytes, 0, 1L << 30);
            Assert.InRange(writeOps - disk.WriteOperations, 0, 100_000);
            Assert.True(Directory.Exists($"/sys/block/{disk.Device}"), $"{disk.Device} is not a whole disk");
        }

        Assert.DoesNotContain(ours.Disks, d => d.Device.StartsWith("loop", StringComparison.Ordinal) || d.Device.StartsWith("zram", StringComparison.Ordinal));
        var wholeDisks = Directory.GetDirectories("/sys/block").Select(Path.GetFileName).Where(n => !n!.StartsWith("loop", StringComparison.Ordinal) && !n.StartsWith("ram", StringComparison.Ordinal) && !n.StartsWith("zram", StringComparison.Ordinal)).ToList();
        Assert.Equal(wholeDisks.Order(), ours.Disks.Select(d => d.Device).Order());
    }

    public void Dispose() => _sampler.Dispose();
}
