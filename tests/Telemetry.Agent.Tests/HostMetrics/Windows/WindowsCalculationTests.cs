using System.Buffers.Binary;
using System.Text;
using Telemetry.Agent.HostMetrics;
using Telemetry.Agent.HostMetrics.Windows;

namespace Telemetry.Agent.Tests.HostMetrics.Windows;

/// <summary>
/// The Windows decoding and arithmetic, run on Linux against buffers laid out as the documented structures
/// (SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION, MIB_IF_TABLE2/MIB_IF_ROW2, DISK_PERFORMANCE) with chosen values.
/// No Windows machine was available: docs/host-metrics.md says what this does and does not prove.
/// </summary>
public class WindowsCalculationTests
{
    [Fact]
    public void GetSystemTimes_kernel_time_includes_idle()
    {
        // 100 ns units: idle 80 s, kernel 95 s (incl. idle), user 25 s.
        var times = WindowsCpuTimes.FromSystemTimes(800_000_000, 950_000_000, 250_000_000);

        Assert.Equal(80, times[CpuMode.Idle], 9);
        Assert.Equal(15, times[CpuMode.System], 9);
        Assert.Equal(25, times[CpuMode.User], 9);
        Assert.Equal(120, times.Total, 9);
    }

    [Fact]
    public void Processor_performance_records_decode_per_cpu_and_sum_to_the_host()
    {
        var data = new byte[WindowsCpuTimes.ProcessorRecordSize * 2];
        WriteRecord(data.AsSpan(0), idle: 900_000_000, kernel: 1_000_000_000, user: 200_000_000, dpc: 10_000_000, interrupt: 20_000_000);
        WriteRecord(data.AsSpan(48), idle: 500_000_000, kernel: 700_000_000, user: 600_000_000, dpc: 0, interrupt: 50_000_000);
        var snapshot = new HostSnapshot();

        Assert.Equal(2, WindowsCpuTimes.ParseProcessorPerformance(data, snapshot, perCpu: true));

        Assert.Equal(2, snapshot.PerCpuCount);
        Assert.Equal(2, snapshot.LogicalCpuCount);
        Assert.Equal(90, snapshot.PerCpu[0][CpuMode.Idle], 9);
        Assert.Equal(7, snapshot.PerCpu[0][CpuMode.System], 9);
        Assert.Equal(1, snapshot.PerCpu[0][CpuMode.SoftIrq], 9);
        Assert.Equal(2, snapshot.PerCpu[0][CpuMode.Interrupt], 9);
        Assert.Equal(120, snapshot.PerCpu[0].Total, 9);
        Assert.Equal(140, snapshot.CpuTotal[CpuMode.Idle], 9);
        Assert.Equal(80, snapshot.CpuTotal[CpuMode.User], 9);
        Assert.Equal(snapshot.PerCpu[0].Total + snapshot.PerCpu[1].Total, snapshot.CpuTotal.Total, 9);
    }

    [Fact]
    public void Windows_cpu_deltas_give_utilization_like_task_manager()
    {
        var before = WindowsCpuTimes.FromSystemTimes(800_000_000, 950_000_000, 250_000_000);
        // 10 s later on 2 CPUs (20 CPU-seconds): 15 idle, 2 kernel, 3 user.
        var after = WindowsCpuTimes.FromSystemTimes(950_000_000, 1_120_000_000, 280_000_000);
        CpuTimes utilization = default;

        Assert.True(CpuUtilization.TryCompute(before, after, ref utilization));
        Assert.Equal(0.75, utilization[CpuMode.Idle], 9);
        Assert.Equal(0.10, utilization[CpuMode.System], 9);
        Assert.Equal(0.15, utilization[CpuMode.User], 9);
    }

    [Fact]
    public void GlobalMemoryStatusEx_gives_used_free_and_page_file_estimate()
    {
        const ulong GiB = 1UL << 30;
        // 16 GiB RAM with 6 GiB available; commit limit 20 GiB (4 GiB page file) with 8 GiB available.
        var memory = WindowsMemoryCalculator.Memory(16 * GiB, 6 * GiB);
        var paging = WindowsMemoryCalculator.Paging(16 * GiB, 6 * GiB, 20 * GiB, 8 * GiB);

        Assert.Equal((long)(10 * GiB), memory.Used);
        Assert.Equal((long)(6 * GiB), memory.Free);
        Assert.False(memory.HasCacheStates);
        Assert.Equal((long)(4 * GiB), paging.Total);
        Assert.Equal((long)(2 * GiB), paging.Used);
        Assert.Equal((long)(2 * GiB), paging.Free);
    }

    [Fact]
    public void Page_file_estimate_is_clamped_when_commit_is_below_physical_use()
    {
        const ulong GiB = 1UL << 30;
        var paging = WindowsMemoryCalculator.Paging(16 * GiB, 2 * GiB, 18 * GiB, 10 * GiB);

        Assert.Equal(0, paging.Used);
        Assert.Equal((long)(2 * GiB), paging.Free);
    }

    [Fact]
    public void GetIfTable2_rows_decode_and_filter_rows_are_skipped()
    {
        var table = new byte[WindowsIfTableParser.TableHeaderSize + (3 * WindowsIfTableParser.RowSize)];
        BinaryPrimitives.WriteUInt32LittleEndian(table, 3);
        WriteRow(table, 0, "Ethernet", flags: 0x01, inOctets: 123456789, inUcast: 1000, inNUcast: 10, inDiscards: 2, inErrors: 1, outOctets: 987654, outUcast: 800, outNUcast: 5, outDiscards: 3, outErrors: 4);
        WriteRow(table, 1, "Ethernet-WFP Native MAC Layer LightWeight Filter-0000", flags: 0x03, inOctets: 123456789, inUcast: 1000, inNUcast: 10, inDiscards: 2, inErrors: 1, outOctets: 987654, outUcast: 800, outNUcast: 5, outDiscards: 3, outErrors: 4);
        WriteRow(table, 2, "Loopback Pseudo-Interface 1", flags: 0x00, inOctets: 0, inUcast: 0, inNUcast: 0, inDiscards: 0, inErrors: 0, outOctets: 0, outUcast: 0, outNUcast: 0, outDiscards: 0, outErrors: 0);
        var interfaces = new List<NetworkCounters>();

        WindowsIfTableParser.Parse(table, new NameTable(), interfaces);

        Assert.Equal(["Ethernet", "Loopback Pseudo-Interface 1"], interfaces.Select(i => i.Interface));
        var ethernet = interfaces[0];
        Assert.Equal(123456789, ethernet.ReceiveBytes);
        Assert.Equal(1010, ethernet.ReceivePackets);
        Assert.Equal(2, ethernet.ReceiveDropped);
        Assert.Equal(1, ethernet.ReceiveErrors);
        Assert.Equal(987654, ethernet.TransmitBytes);
        Assert.Equal(805, ethernet.TransmitPackets);
        Assert.Equal(3, ethernet.TransmitDropped);
        Assert.Equal(4, ethernet.TransmitErrors);
    }

    [Fact]
    public void A_table_claiming_more_rows_than_it_holds_is_read_only_as_far_as_it_goes()
    {
        var table = new byte[WindowsIfTableParser.TableHeaderSize + WindowsIfTableParser.RowSize];
        BinaryPrimitives.WriteUInt32LittleEndian(table, 50);
        WriteRow(table, 0, "Wi-Fi", flags: 0x01, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0);
        var interfaces = new List<NetworkCounters>();

        WindowsIfTableParser.Parse(table, new NameTable(), interfaces);

        Assert.Single(interfaces);
    }

    [Fact]
    public void Disk_performance_decodes_bytes_counts_and_times()
    {
        var data = new byte[WindowsDiskPerformanceParser.Size];
        BinaryPrimitives.WriteInt64LittleEndian(data, 1_000_000);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), 2_000_000);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(16), 30_000_000);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(24), 40_000_000);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(32), 990_000_000);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(40), 4_000_000_000);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(44), 77);

        Assert.True(WindowsDiskPerformanceParser.TryParse(data, "PhysicalDrive0", out var disk));

        Assert.Equal("PhysicalDrive0", disk.Device);
        Assert.Equal(1_000_000, disk.ReadBytes);
        Assert.Equal(2_000_000, disk.WriteBytes);
        Assert.Equal(3, disk.ReadTimeSeconds, 9);
        Assert.Equal(4, disk.WriteTimeSeconds, 9);
        Assert.Equal(4_000_000_000, disk.ReadOperations);
        Assert.Equal(77, disk.WriteOperations);
        Assert.True(disk.IoTimeSeconds < 0);
    }

    private static void WriteRecord(Span<byte> record, long idle, long kernel, long user, long dpc, long interrupt)
    {
        BinaryPrimitives.WriteInt64LittleEndian(record, idle);
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], kernel);
        BinaryPrimitives.WriteInt64LittleEndian(record[16..], user);
        BinaryPrimitives.WriteInt64LittleEndian(record[24..], dpc);
        BinaryPrimitives.WriteInt64LittleEndian(record[32..], interrupt);
        BinaryPrimitives.WriteUInt32LittleEndian(record[40..], 12345);
    }

    private static void WriteRow(
        byte[] table, int index, string alias, byte flags, ulong inOctets, ulong inUcast, ulong inNUcast, ulong inDiscards, ulong inErrors,
        ulong outOctets, ulong outUcast, ulong outNUcast, ulong outDiscards, ulong outErrors)
    {
        var row = table.AsSpan(WindowsIfTableParser.TableHeaderSize + (index * WindowsIfTableParser.RowSize), WindowsIfTableParser.RowSize);
        BinaryPrimitives.WriteUInt64LittleEndian(row, (ulong)(1000 + index));
        Encoding.Unicode.GetBytes(alias).CopyTo(row[WindowsIfTableParser.AliasOffset..]);
        // Description right after the alias must not leak into the name.
        Encoding.Unicode.GetBytes("Intel(R) Ethernet Connection").CopyTo(row[(WindowsIfTableParser.AliasOffset + 514)..]);
        row[WindowsIfTableParser.FlagsOffset] = flags;
        BinaryPrimitives.WriteUInt32LittleEndian(row[WindowsIfTableParser.OperStatusOffset..], 1);
        var counters = row[WindowsIfTableParser.InOctetsOffset..];
        ulong[] values = [inOctets, inUcast, inNUcast, inDiscards, inErrors, 0, 0, 0, 0, outOctets, outUcast, outNUcast, outDiscards, outErrors, 0, 0, 0, 0];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(counters[(i * 8)..], values[i]);
        }
    }
}
