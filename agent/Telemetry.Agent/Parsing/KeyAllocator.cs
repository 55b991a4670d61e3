namespace Telemetry.Agent.Parsing;

/// <summary>
/// Hands out attribute keys while a format compiles, so one line never carries a key twice: the first field
/// that maps to a semantic-convention name gets it, a later one falls back to its server-specific name
/// (<c>apache.remote_ip</c>), and a repeated server-specific name gets a numeric suffix.
/// </summary>
internal sealed class KeyAllocator
{
    private readonly Dictionary<string, AttributeKey> _taken = new(StringComparer.Ordinal);

    public AttributeKey Take(string preferred, string fallback)
    {
        if (!_taken.ContainsKey(preferred))
        {
            return Add(preferred);
        }

        return Take(fallback);
    }

    public AttributeKey Take(string name)
    {
        if (!_taken.ContainsKey(name))
        {
            return Add(name);
        }

        for (var i = 2; ; i++)
        {
            var candidate = name + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!_taken.ContainsKey(candidate))
            {
                return Add(candidate);
            }
        }
    }

    public bool IsTaken(string name) => _taken.ContainsKey(name);

    private AttributeKey Add(string name)
    {
        var key = new AttributeKey(name);
        _taken.Add(name, key);
        return key;
    }
}
