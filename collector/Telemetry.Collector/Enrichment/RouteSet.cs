namespace Telemetry.Collector.Enrichment;

/// <summary>
/// The bounded set of distinct route templates this collector has written as tags. Lookups are lock-free
/// and allocation-free (open addressing over an insert-only table, each slot published once); adding a new
/// route takes a lock and allocates that route's bytes once. When <see cref="Capacity"/> routes are known,
/// new ones are refused and the caller writes the overflow route instead.
/// </summary>
public sealed class RouteSet
{
    private readonly Entry?[] _slots;
    private readonly int _mask;
    private readonly Lock _gate = new();
    private int _count;

    public RouteSet(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        var size = 16;
        while (size < capacity * 2)
        {
            size <<= 1;
        }

        _slots = new Entry?[size];
        _mask = size - 1;
    }

    public int Capacity { get; }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Returns the stored copy of <paramref name="route"/>, adding it when there is room; null when
    /// the set is full and <paramref name="route"/> is not in it.</summary>
    public byte[]? GetOrAdd(ReadOnlySpan<byte> route)
    {
        var hash = Hash(route);
        var found = Find(route, hash, out _);
        if (found is not null)
        {
            return found;
        }

        lock (_gate)
        {
            found = Find(route, hash, out var free);
            if (found is not null)
            {
                return found;
            }

            if (_count >= Capacity)
            {
                return null;
            }

            var entry = new Entry(hash, route.ToArray());
            Volatile.Write(ref _slots[free], entry);
            Volatile.Write(ref _count, _count + 1);
            return entry.Bytes;
        }
    }

    private byte[]? Find(ReadOnlySpan<byte> route, int hash, out int freeSlot)
    {
        var i = hash & _mask;
        while (true)
        {
            var entry = Volatile.Read(ref _slots[i]);
            if (entry is null)
            {
                freeSlot = i;
                return null;
            }

            if (entry.Hash == hash && route.SequenceEqual(entry.Bytes))
            {
                freeSlot = -1;
                return entry.Bytes;
            }

            i = (i + 1) & _mask;
        }
    }

    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = default(HashCode);
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }

    private sealed record Entry(int Hash, byte[] Bytes);
}
