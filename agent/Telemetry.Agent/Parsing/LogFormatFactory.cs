namespace Telemetry.Agent.Parsing;

/// <summary>Compiles a source's configured format once, at start; a bad format is a configuration error.</summary>
public static class LogFormatFactory
{
    /// <param name="format"><c>apache</c>, <c>nginx</c>, <c>iis</c> or <c>json</c>.</param>
    /// <param name="logFormat">The server's format string (Apache <c>LogFormat</c>, nginx <c>log_format</c>, as a bare
    /// string or the whole directive line; a named format such as <c>combined</c>; for IIS a field list); null for the default.</param>
    /// <param name="jsonFields">For <c>json</c>: attribute name → JSON property, plus <c>time</c> and <c>time_format</c>.</param>
    /// <exception cref="LogFormatException">The format is unknown or does not compile; the message names the directive and column.</exception>
    public static ILogFormat Create(string format, string? logFormat, IReadOnlyDictionary<string, string>? jsonFields)
    {
        ArgumentNullException.ThrowIfNull(format);
        return format.Trim().ToLowerInvariant() switch
        {
            "apache" => ApacheFormatCompiler.Compile(logFormat),
            "nginx" => NginxFormatCompiler.Compile(logFormat),
            "iis" or "w3c" => new W3cFormat(logFormat),
            "json" => new JsonLinesFormat(jsonFields),
            _ => throw new LogFormatException("unknown format " + format + " (apache, nginx, iis or json)", format, 0),
        };
    }
}
