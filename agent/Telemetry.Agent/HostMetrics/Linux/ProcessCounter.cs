using System.IO.Enumeration;

namespace Telemetry.Agent.HostMetrics.Linux;

/// <summary>Counts processes as the numeric directories of /proc (what ps lists), without allocating a name per entry.</summary>
internal static class ProcessCounter
{
    public static long Count(string procRoot = "/proc")
    {
        var entries = new FileSystemEnumerable<byte>(
            procRoot,
            static (ref FileSystemEntry _) => 0,
            new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = 0 })
        {
            ShouldIncludePredicate = static (ref FileSystemEntry entry) => entry.IsDirectory && IsAllDigits(entry.FileName),
        };

        long count = 0;
        foreach (var _ in entries)
        {
            count++;
        }

        return count;
    }

    private static bool IsAllDigits(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
