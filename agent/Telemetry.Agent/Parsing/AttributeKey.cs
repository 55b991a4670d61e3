using System.Text;

namespace Telemetry.Agent.Parsing;

/// <summary>
/// The name of an OTLP attribute, created once when a format is compiled and carried with its UTF-8
/// bytes so the hot path never encodes a key.
/// </summary>
public sealed class AttributeKey
{
    public AttributeKey(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Utf8 = Encoding.UTF8.GetBytes(name);
    }

    public string Name { get; }

    public byte[] Utf8 { get; }

    public override string ToString() => Name;
}
