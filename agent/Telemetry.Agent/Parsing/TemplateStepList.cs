using System.Text;

namespace Telemetry.Agent.Parsing;

/// <summary>
/// Collects the steps of an Apache or nginx format while it is compiled: literal text accumulates until the next
/// field closes it into one literal step, so both compilers produce the same alternation of literals and fields.
/// </summary>
internal sealed class TemplateStepList
{
    private readonly List<TemplateStep> _steps = [];

    /// <summary>The literal text written since the last field; compilers append (and, for escapes, insert) here.</summary>
    public StringBuilder Literal { get; } = new();

    public void AddField(FieldSpec field)
    {
        FlushLiteral();
        _steps.Add(TemplateStep.ForField(field));
    }

    /// <summary>The compiled steps; a format with neither literal text nor fields is a config error.</summary>
    public List<TemplateStep> Finish(string formatName)
    {
        FlushLiteral();
        if (_steps.Count == 0)
        {
            throw new LogFormatException("the " + formatName + " format is empty");
        }

        return _steps;
    }

    private void FlushLiteral()
    {
        if (Literal.Length > 0)
        {
            _steps.Add(TemplateStep.ForLiteral(Encoding.UTF8.GetBytes(Literal.ToString())));
            Literal.Clear();
        }
    }
}
