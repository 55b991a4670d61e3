namespace Telemetry.Agent.Parsing;

/// <summary>IIS W3C extended logs. The field list comes from each file's <c>#Fields:</c> directive; until one
/// is seen, the configured list (or IIS's default selection) applies.</summary>
internal sealed class W3cFormat : ILogFormat
{
    public W3cFormat(string? fields)
    {
        var list = string.IsNullOrWhiteSpace(fields) ? W3cFieldMap.DefaultFields : fields.Trim();
        if (list.StartsWith("#Fields:", StringComparison.OrdinalIgnoreCase))
        {
            list = list[8..];
        }

        InitialFields = W3cFieldList.Compile(list);
    }

    public string Kind => "iis";

    public W3cFieldList InitialFields { get; }

    public ILogParser CreateParser() => new W3cParser(InitialFields);
}
