using System.Runtime.InteropServices;

namespace Telemetry.Agent.HostMetrics;

/// <summary>
/// Makes the host's since-boot counters count from the agent's start. The agent exports delta temporality, and
/// the SDK's first delta of an observable counter is its whole value: without this, the first point after every
/// agent restart would carry all the traffic, CPU time and I/O since boot. Each series starts at zero when first
/// seen; when its raw counter goes backwards (interface re-created, 32-bit wrap) the counting continues from
/// the new raw value, so a series never decreases.
/// </summary>
internal sealed class CounterOrigins
{
    private const int MaxSeries = 65536;

    private readonly Dictionary<(object Key, int Field), Entry> _entries = [];

    private struct Entry
    {
        public double Origin;
        public double Last;
        public double Carried;
    }

    /// <summary>The counter identified by <paramref name="key"/> and <paramref name="field"/>, counted from its first sighting.</summary>
    public double SinceStart(object key, int field, double raw)
    {
        if (_entries.Count >= MaxSeries && !_entries.ContainsKey((key, field)))
        {
            return 0;
        }

        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, (key, field), out var existed);
        if (!existed)
        {
            entry.Origin = raw;
            entry.Last = raw;
            return 0;
        }

        if (raw < entry.Last)
        {
            entry.Carried += entry.Last - entry.Origin;
            entry.Origin = 0;
        }

        entry.Last = raw;
        return entry.Carried + raw - entry.Origin;
    }

    public long SinceStart(object key, int field, long raw) => (long)SinceStart(key, field, (double)raw);

    /// <summary>Series tracked (bounded by MaxSeries; past it, new series report 0).</summary>
    public int Count => _entries.Count;
}
