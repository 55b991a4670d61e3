using System.Buffers.Binary;

namespace Telemetry.Agent.HostMetrics.Windows;

/// <summary>
/// Decodes DISK_PERFORMANCE (IOCTL_DISK_PERFORMANCE on \\.\PhysicalDriveN): BytesRead, BytesWritten, ReadTime,
/// WriteTime, IdleTime (int64, times in 100 ns), ReadCount, WriteCount, QueueDepth, SplitCount (uint32), QueryTime.
/// Busy time is not a counter there, so system.disk.io_time is not published on Windows (IoTimeSeconds = -1).
/// </summary>
internal static class WindowsDiskPerformanceParser
{
    public const int Size = 88;

    public static bool TryParse(ReadOnlySpan<byte> data, string device, out DiskCounters disk)
    {
        disk = default;
        if (data.Length < 56)
        {
            return false;
        }

        disk = new DiskCounters
        {
            Device = device,
            ReadBytes = BinaryPrimitives.ReadInt64LittleEndian(data),
            WriteBytes = BinaryPrimitives.ReadInt64LittleEndian(data[8..]),
            ReadTimeSeconds = BinaryPrimitives.ReadInt64LittleEndian(data[16..]) / 10_000_000.0,
            WriteTimeSeconds = BinaryPrimitives.ReadInt64LittleEndian(data[24..]) / 10_000_000.0,
            ReadOperations = BinaryPrimitives.ReadUInt32LittleEndian(data[40..]),
            WriteOperations = BinaryPrimitives.ReadUInt32LittleEndian(data[44..]),
            IoTimeSeconds = -1,
        };
        return true;
    }
}
