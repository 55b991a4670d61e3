using Telemetry.LoadGenerator.Traffic;

namespace Telemetry.LoadGenerator.Formats;

/// <summary>
/// What the nginx and Apache formatters share: the format string, compiled once into a <see cref="LineTemplate"/>
/// that writes every line, and no file header. Each subclass only reads its server's syntax into the template.
/// </summary>
public abstract class TemplateLineFormatter : ILineFormatter
{
    private readonly LineTemplate _template;

    private protected TemplateLineFormatter(string logFormat, LineTemplate template)
    {
        LogFormat = logFormat;
        _template = template;
    }

    public abstract string Server { get; }

    public string LogFormat { get; }

    public string FileHeader(DateTimeOffset now) => string.Empty;

    public string Format(GeneratedRequest request) => _template.Format(request);
}
