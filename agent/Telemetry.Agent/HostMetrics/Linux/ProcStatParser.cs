namespace Telemetry.Agent.HostMetrics.Linux;

/// <summary>
/// Parses /proc/stat: the "cpu" line (whole host) and "cpuN" lines (per logical CPU) in USER_HZ ticks, and the
/// "processes" (forks since boot) line. Columns: user nice system idle iowait irq softirq steal guest guest_nice;
/// guest and guest_nice are already inside user and nice, so they are not added again.
/// </summary>
internal static class ProcStatParser
{
    public static bool Parse(ReadOnlySpan<byte> text, double ticksPerSecond, HostSnapshot snapshot, bool perCpu)
    {
        var cpuLines = 0;
        var sawTotal = false;
        while (FieldReader.TryNextLine(ref text, out var line))
        {
            if (line.StartsWith("cpu"u8))
            {
                var fields = new FieldReader(line);
                if (!fields.TryNext(out var label))
                {
                    continue;
                }

                CpuTimes times = default;
                if (!TryReadModes(ref fields, ticksPerSecond, ref times))
                {
                    continue;
                }

                if (label.Length == 3)
                {
                    snapshot.CpuTotal = times;
                    sawTotal = true;
                }
                else if (FieldReader.TryParseInt64(label[3..], out var id))
                {
                    if (perCpu)
                    {
                        snapshot.EnsurePerCpuCapacity(cpuLines + 1);
                        snapshot.PerCpu[cpuLines] = times;
                        snapshot.CpuIds[cpuLines] = (int)id;
                    }

                    cpuLines++;
                }
            }
            else if (line.StartsWith("processes "u8))
            {
                var fields = new FieldReader(line);
                if (fields.Skip(1) && fields.TryNextInt64(out var created))
                {
                    snapshot.ProcessesCreated = created;
                }
            }
        }

        snapshot.HasCpu = sawTotal;
        snapshot.PerCpuCount = perCpu ? cpuLines : 0;
        snapshot.LogicalCpuCount = cpuLines;
        return sawTotal;
    }

    private static bool TryReadModes(ref FieldReader fields, double ticksPerSecond, ref CpuTimes times)
    {
        // Kernels before 2.6.11 lack steal; before 2.6.0 lack iowait/irq/softirq: missing columns read as zero.
        ReadOnlySpan<int> order = [CpuMode.User, CpuMode.Nice, CpuMode.System, CpuMode.Idle, CpuMode.IoWait, CpuMode.Interrupt, CpuMode.SoftIrq, CpuMode.Steal];
        var read = 0;
        foreach (var mode in order)
        {
            if (!fields.TryNext(out var field))
            {
                break;
            }

            if (!FieldReader.TryParseInt64(field, out var ticks))
            {
                return false;
            }

            times[mode] = ticks / ticksPerSecond;
            read++;
        }

        return read >= 4;
    }
}
