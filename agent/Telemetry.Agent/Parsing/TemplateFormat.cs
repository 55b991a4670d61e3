using System.Text;

namespace Telemetry.Agent.Parsing;

/// <summary>A format string compiled into literal and field steps (Apache LogFormat, nginx log_format).
/// Immutable and shared; each tailed file gets its own <see cref="TemplateParser"/>.</summary>
internal sealed class TemplateFormat : ILogFormat
{
    public TemplateFormat(string kind, IReadOnlyList<TemplateStep> steps)
    {
        Kind = kind;
        Steps = Merge(steps);
    }

    public string Kind { get; }

    public TemplateStep[] Steps { get; }

    public ILogParser CreateParser() => new TemplateParser(this);

    /// <summary>Joins adjacent literals so the parser matches each run of fixed text once.</summary>
    private static TemplateStep[] Merge(IReadOnlyList<TemplateStep> steps)
    {
        var merged = new List<TemplateStep>();
        var pending = new List<byte>();
        foreach (var step in steps)
        {
            if (step.Literal is { } literal)
            {
                pending.AddRange(literal);
                continue;
            }

            if (pending.Count > 0)
            {
                merged.Add(TemplateStep.ForLiteral([.. pending]));
                pending.Clear();
            }

            merged.Add(step);
        }

        if (pending.Count > 0)
        {
            merged.Add(TemplateStep.ForLiteral([.. pending]));
        }

        return [.. merged];
    }

    public override string ToString()
    {
        var sb = new StringBuilder(Kind).Append(':');
        foreach (var s in Steps)
        {
            sb.Append(' ').Append(s);
        }

        return sb.ToString();
    }
}
