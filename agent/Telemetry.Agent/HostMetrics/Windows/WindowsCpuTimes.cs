using System.Buffers.Binary;

namespace Telemetry.Agent.HostMetrics.Windows;

/// <summary>
/// Windows CPU counters (100 ns units) to <see cref="CpuTimes"/>. Kernel time includes idle, DPC and interrupt
/// time, so system = kernel - idle - DPC - interrupt; DPC is published as <c>softirq</c> and interrupt time as
/// <c>interrupt</c>. Windows has no nice, iowait or steal: those stay zero.
/// </summary>
internal static class WindowsCpuTimes
{
    /// <summary>sizeof(SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION): five LARGE_INTEGERs and a ULONG, padded to 8.</summary>
    public const int ProcessorRecordSize = 48;

    private const double TicksPerSecond = 10_000_000;

    /// <summary>From GetSystemTimes (whole host): idle, kernel (incl. idle), user.</summary>
    public static CpuTimes FromSystemTimes(long idle, long kernel, long user)
    {
        CpuTimes times = default;
        times[CpuMode.Idle] = idle / TicksPerSecond;
        times[CpuMode.System] = Math.Max(0, kernel - idle) / TicksPerSecond;
        times[CpuMode.User] = user / TicksPerSecond;
        return times;
    }

    /// <summary>From one SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION record.</summary>
    public static CpuTimes FromProcessorPerformance(long idle, long kernel, long user, long dpc, long interrupt)
    {
        CpuTimes times = default;
        times[CpuMode.Idle] = idle / TicksPerSecond;
        times[CpuMode.User] = user / TicksPerSecond;
        times[CpuMode.SoftIrq] = dpc / TicksPerSecond;
        times[CpuMode.Interrupt] = interrupt / TicksPerSecond;
        times[CpuMode.System] = Math.Max(0, kernel - idle - dpc - interrupt) / TicksPerSecond;
        return times;
    }

    /// <summary>
    /// Decodes NtQuerySystemInformation(SystemProcessorPerformanceInformation) output: one 48-byte record per
    /// logical CPU (IdleTime, KernelTime, UserTime, DpcTime, InterruptTime as little-endian int64, InterruptCount).
    /// Fills the per-CPU entries and the whole-host sum; returns the CPU count.
    /// </summary>
    public static int ParseProcessorPerformance(ReadOnlySpan<byte> data, HostSnapshot snapshot, bool perCpu)
    {
        var count = data.Length / ProcessorRecordSize;
        CpuTimes total = default;
        if (perCpu)
        {
            snapshot.EnsurePerCpuCapacity(count);
        }

        for (var i = 0; i < count; i++)
        {
            var record = data.Slice(i * ProcessorRecordSize, ProcessorRecordSize);
            var times = FromProcessorPerformance(
                BinaryPrimitives.ReadInt64LittleEndian(record),
                BinaryPrimitives.ReadInt64LittleEndian(record[8..]),
                BinaryPrimitives.ReadInt64LittleEndian(record[16..]),
                BinaryPrimitives.ReadInt64LittleEndian(record[24..]),
                BinaryPrimitives.ReadInt64LittleEndian(record[32..]));
            for (var mode = 0; mode < CpuMode.Count; mode++)
            {
                total[mode] += times[mode];
            }

            if (perCpu)
            {
                snapshot.PerCpu[i] = times;
                snapshot.CpuIds[i] = i;
            }
        }

        snapshot.CpuTotal = total;
        snapshot.HasCpu = count > 0;
        snapshot.PerCpuCount = perCpu ? count : 0;
        snapshot.LogicalCpuCount = count;
        return count;
    }
}
