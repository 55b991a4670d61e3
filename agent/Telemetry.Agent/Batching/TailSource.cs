using Telemetry.Agent.Configuration;
using Telemetry.Agent.Encoders;
using Telemetry.Agent.Parsing;
using Telemetry.Agent.Tailing;

namespace Telemetry.Agent.Batching;

/// <summary>One configured source, compiled: its globs, its format, and its OTLP resource and scope, encoded once.</summary>
public sealed class TailSource
{
    private const string ScopeName = "telemetry-agent";

    public TailSource(int index, SourceOptions options, ILogFormat format, IReadOnlyList<KeyValuePair<string, object>> resource)
    {
        Index = index;
        Options = options;
        Format = format;
        Scanner = new GlobScanner(options.Paths, options.Exclude);
        using var buffer = new ProtoBuffer(1024);
        using var attributes = new ProtoBuffer(1024);
        foreach (var (key, value) in resource)
        {
            if (key != "service.name")
            {
                WriteAttribute(attributes, key, value);
            }
        }

        // service.name is the source's name: the `service` tag tells nginx from apache on one host.
        WriteAttribute(attributes, "service.name", options.Name);
        buffer.WriteBytesField(1, attributes.WrittenSpan);
        ResourceField = buffer.WrittenSpan.ToArray();

        buffer.Clear();
        using var scope = new ProtoBuffer(256);
        scope.WriteBytesField(1, System.Text.Encoding.UTF8.GetBytes(ScopeName));
        scope.WriteBytesField(2, System.Text.Encoding.UTF8.GetBytes(typeof(TailSource).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"));
        buffer.WriteBytesField(1, scope.WrittenSpan);
        ScopeField = buffer.WrittenSpan.ToArray();
    }

    public int Index { get; }

    public string Name => Options.Name;

    public SourceOptions Options { get; }

    public ILogFormat Format { get; }

    public GlobScanner Scanner { get; }

    /// <summary><c>ResourceLogs.resource</c> (field 1) with its tag and length.</summary>
    public byte[] ResourceField { get; }

    /// <summary><c>ScopeLogs.scope</c> (field 1) with its tag and length.</summary>
    public byte[] ScopeField { get; }

    private static void WriteAttribute(ProtoBuffer target, string key, object value)
    {
        using var any = new ProtoBuffer(256);
        switch (value)
        {
            case string s:
                any.WriteBytesField(1, System.Text.Encoding.UTF8.GetBytes(s));
                break;
            case bool b:
                any.WriteVarintField(2, b ? 1UL : 0UL);
                break;
            case int i:
                any.WriteVarintField(3, (ulong)(long)i);
                break;
            case long l:
                any.WriteVarintField(3, (ulong)l);
                break;
            case double d:
                any.WriteDouble(4, d);
                break;
            default:
                any.WriteBytesField(1, System.Text.Encoding.UTF8.GetBytes(value.ToString() ?? ""));
                break;
        }

        using var kv = new ProtoBuffer(256);
        kv.WriteBytesField(1, System.Text.Encoding.UTF8.GetBytes(key));
        kv.WriteBytesField(2, any.WrittenSpan);
        target.WriteBytesField(1, kv.WrittenSpan);
    }
}
