namespace Telemetry.Agent.Parsing;

/// <summary>How a server escaped a value it wrote into its log; the parser undoes it.</summary>
internal enum EscapeMode : byte
{
    /// <summary>Written as is (nginx <c>escape=none</c>, IIS, fields Apache does not escape).</summary>
    None,

    /// <summary>Apache <c>ap_escape_logitem</c>: <c>\"</c>, <c>\\</c>, <c>\n</c> <c>\r</c> <c>\t</c> <c>\b</c> <c>\v</c>, <c>\xhh</c>.</summary>
    Apache,

    /// <summary>nginx default: <c>"</c>, <c>\</c>, control and bytes ≥ 0x7F as <c>\xHH</c>.</summary>
    Nginx,

    /// <summary>nginx <c>escape=json</c>: JSON string escapes.</summary>
    Json,
}
