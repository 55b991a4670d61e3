using System.Text;

namespace Telemetry.Agent.HostMetrics.Linux;

/// <summary>
/// Decides which /proc/diskstats devices are published: whole disks only (a device is whole when /sys/block lists
/// it; partitions would count the same I/O twice), without RAM disks, compressed RAM (zram), loop devices and
/// floppies, the same default as Prometheus node_exporter. Device-mapper and md devices are kept (they are what
/// LVM and RAID users look at). Answers are remembered per name; an unknown name (hot-plug) re-lists /sys/block.
/// </summary>
internal sealed class DiskFilter
{
    private readonly string? _sysBlock;
    private readonly Dictionary<string, bool> _decided = new(StringComparer.Ordinal);
    private HashSet<string>? _wholeDisks;

    public DiskFilter(string sysBlock = "/sys/block")
    {
        _sysBlock = sysBlock;
        _wholeDisks = ListWholeDisks(sysBlock);
    }

    /// <summary>For tests: a fixed set of whole disks.</summary>
    public DiskFilter(IEnumerable<string> wholeDisks)
    {
        _wholeDisks = new HashSet<string>(wholeDisks, StringComparer.Ordinal);
    }

    /// <summary>Whether the device called <paramref name="name"/> (already interned) is published.</summary>
    public bool IsIncluded(string name)
    {
        if (_decided.TryGetValue(name, out var included))
        {
            return included;
        }

        included = !IsExcludedKind(Encoding.UTF8.GetBytes(name));
        if (included && _wholeDisks is not null && !_wholeDisks.Contains(name) && _sysBlock is not null)
        {
            _wholeDisks = ListWholeDisks(_sysBlock);
        }

        included = included && (_wholeDisks is null || _wholeDisks.Contains(name));
        if (_decided.Count < 4096)
        {
            _decided[name] = included;
        }

        return included;
    }

    internal static bool IsExcludedKind(ReadOnlySpan<byte> name) =>
        name.StartsWith("loop"u8) || name.StartsWith("ram"u8) || name.StartsWith("zram"u8)
        || (name.StartsWith("fd"u8) && name.Length > 2 && char.IsAsciiDigit((char)name[2]));

    private static HashSet<string>? ListWholeDisks(string sysBlock)
    {
        try
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in Directory.EnumerateFileSystemEntries(sysBlock))
            {
                set.Add(System.IO.Path.GetFileName(entry));
            }

            return set;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No /sys (unusual container): every device that is not an excluded kind counts as whole.
            return null;
        }
    }
}
