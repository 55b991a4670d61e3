using System.Text;

namespace Telemetry.Collector.Writing;

/// <summary>
/// A measurement name or key that is written as it is: checked once, here, to need no escaping, renaming or
/// replacing (ASCII without separators, backslash or control characters, not <c>time</c>, not starting with
/// <c>#</c>), so <see cref="PointEncoder"/> copies it without scanning it on every point. For the names of the
/// schema, which are constants.
/// </summary>
public sealed class PlainName
{
    public PlainName(string name)
    {
        Bytes = Encoding.UTF8.GetBytes(name);
        if (!PointEncoder.IsPlainName(Bytes))
        {
            throw new ArgumentException($"'{name}' must be escaped or renamed in line protocol; write it as a byte span instead.", nameof(name));
        }
    }

    internal byte[] Bytes { get; }

    public override string ToString() => Encoding.UTF8.GetString(Bytes);
}
