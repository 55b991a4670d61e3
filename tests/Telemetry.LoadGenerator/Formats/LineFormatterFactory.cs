namespace Telemetry.LoadGenerator.Formats;

/// <summary>Builds the formatter for <c>--format</c> plus <c>--log-format</c> or <c>--preset</c>.</summary>
public static class LineFormatterFactory
{
    public static ILineFormatter Create(string format, string? logFormat, string? preset) => format switch
    {
        "apache" => new ApacheLineFormatter(logFormat ?? ApacheLineFormatter.Preset(preset ?? "combined")),
        "nginx" => new NginxLineFormatter(logFormat ?? NginxLineFormatter.Preset(preset ?? "combined")),
        "iis" => new IisW3cLineFormatter(logFormat ?? IisW3cLineFormatter.Preset(preset ?? "default")),
        _ => throw new LogFormatTextException($"--format: must be apache, nginx or iis, got '{format}'"),
    };
}
