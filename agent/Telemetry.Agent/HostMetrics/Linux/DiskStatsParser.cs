namespace Telemetry.Agent.HostMetrics.Linux;

/// <summary>
/// Parses /proc/diskstats: <c>major minor name reads merged sectors_read ms_reading writes merged sectors_written
/// ms_writing in_flight ms_doing_io weighted_ms ...</c>. Sectors are always 512 bytes in this file, whatever the
/// device's sector size.
/// </summary>
internal static class DiskStatsParser
{
    private const long SectorBytes = 512;

    public static bool Parse(ReadOnlySpan<byte> text, NameTable names, DiskFilter filter, List<DiskCounters> disks)
    {
        var any = false;
        while (FieldReader.TryNextLine(ref text, out var line))
        {
            var fields = new FieldReader(line);
            if (!fields.Skip(2) || !fields.TryNext(out var nameBytes))
            {
                continue;
            }

            if (!fields.TryNextInt64(out var reads) || !fields.Skip(1) || !fields.TryNextInt64(out var sectorsRead)
                || !fields.TryNextInt64(out var msReading) || !fields.TryNextInt64(out var writes) || !fields.Skip(1)
                || !fields.TryNextInt64(out var sectorsWritten) || !fields.TryNextInt64(out var msWriting)
                || !fields.Skip(1) || !fields.TryNextInt64(out var msIo))
            {
                continue;
            }

            any = true;
            var name = names.Get(nameBytes);
            if (!filter.IsIncluded(name))
            {
                continue;
            }

            disks.Add(new DiskCounters
            {
                Device = name,
                ReadOperations = reads,
                WriteOperations = writes,
                ReadBytes = sectorsRead * SectorBytes,
                WriteBytes = sectorsWritten * SectorBytes,
                ReadTimeSeconds = msReading / 1000.0,
                WriteTimeSeconds = msWriting / 1000.0,
                IoTimeSeconds = msIo / 1000.0,
            });
        }

        return any;
    }
}
