using System.Text;

namespace Telemetry.Agent.HostMetrics;

/// <summary>
/// Interns device, interface and mount names read as bytes, so that a name seen in the previous interval costs
/// no allocation. Bounded: past <see cref="MaxEntries"/> names it stops caching (and still answers).
/// </summary>
internal sealed class NameTable
{
    private const int MaxEntries = 4096;
    private readonly List<(byte[] Bytes, string Name)> _entries = [];

    public string Get(ReadOnlySpan<byte> utf8)
    {
        foreach (var (bytes, name) in _entries)
        {
            if (utf8.SequenceEqual(bytes))
            {
                return name;
            }
        }

        var created = Encoding.UTF8.GetString(utf8);
        if (_entries.Count < MaxEntries)
        {
            _entries.Add((utf8.ToArray(), created));
        }

        return created;
    }
}
