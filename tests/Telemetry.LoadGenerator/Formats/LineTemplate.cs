using System.Text;
using Telemetry.LoadGenerator.Traffic;

namespace Telemetry.LoadGenerator.Formats;

/// <summary>
/// A log format compiled once into its parts, in order: literal text and per-request values. nginx's
/// <c>log_format</c> and Apache's <c>LogFormat</c> differ only in how their strings name the values
/// (<c>$status</c>, <c>%&gt;s</c>); both formatters read their string into one of these, which writes the lines.
/// </summary>
internal sealed class LineTemplate
{
    private readonly List<Func<GeneratedRequest, string>> _parts = [];
    private readonly StringBuilder _literal = new();

    public void AddLiteral(char c) => _literal.Append(c);

    public void AddValue(Func<GeneratedRequest, string> value)
    {
        FlushLiteral();
        _parts.Add(value);
    }

    /// <summary>Ends the format: literal text after the last value becomes the last part.</summary>
    public LineTemplate Complete()
    {
        FlushLiteral();
        return this;
    }

    public string Format(GeneratedRequest request)
    {
        var sb = new StringBuilder(256);
        foreach (var part in _parts)
        {
            sb.Append(part(request));
        }

        return sb.ToString();
    }

    private void FlushLiteral()
    {
        if (_literal.Length > 0)
        {
            var text = _literal.ToString();
            _parts.Add(_ => text);
            _literal.Clear();
        }
    }
}
