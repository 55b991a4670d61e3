using System.Text;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Enrichment;

/// <summary>The operator's <c>enrichment.static_tags</c>, encoded once, written on every point in key order.</summary>
public sealed class StaticTags
{
    private readonly (byte[] Key, byte[] Value)[] _tags;

    public StaticTags(IReadOnlyDictionary<string, string> tags)
    {
        var keys = new List<string>(tags.Keys);
        keys.Sort(StringComparer.Ordinal);
        _tags = new (byte[], byte[])[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            _tags[i] = (Encoding.UTF8.GetBytes(keys[i]), Encoding.UTF8.GetBytes(tags[keys[i]]));
        }
    }

    public int Count => _tags.Length;

    /// <summary>True when <paramref name="key"/> is one of the static tags (a data-point attribute of that
    /// name is then not written as a tag, so a point never has the same tag twice).</summary>
    public bool Contains(ReadOnlySpan<byte> key)
    {
        foreach (var (k, _) in _tags)
        {
            if (key.SequenceEqual(k))
            {
                return true;
            }
        }

        return false;
    }

    public void WriteTo(PointEncoder encoder)
    {
        foreach (var (key, value) in _tags)
        {
            encoder.Tag(key, value);
        }
    }
}
