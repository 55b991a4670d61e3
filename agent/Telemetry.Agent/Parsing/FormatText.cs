using System.Text;

namespace Telemetry.Agent.Parsing;

/// <summary>
/// A format string taken out of the configuration line it was pasted from (<c>LogFormat "..." combined</c>,
/// <c>log_format main escape=json '...' '...';</c>) with, for each character, its 1-based column in the
/// text as configured, so errors point at what the user wrote.
/// </summary>
internal sealed class FormatText
{
    private readonly int[] _columns;

    private FormatText(string text, int[] columns, string? escape)
    {
        Text = text;
        _columns = columns;
        Escape = escape;
    }

    public string Text { get; }

    /// <summary>The nginx <c>escape=</c> parameter, when the pasted line had one.</summary>
    public string? Escape { get; }

    public int Column(int index) => index < _columns.Length ? _columns[index] : (_columns.Length == 0 ? 1 : _columns[^1] + 1);

    public static FormatText Plain(string text)
    {
        var cols = new int[text.Length];
        for (var i = 0; i < cols.Length; i++)
        {
            cols[i] = i + 1;
        }

        return new FormatText(text, cols, null);
    }

    /// <summary>Accepts a bare Apache format, or a <c>LogFormat "..." [nickname]</c> line; the text keeps its
    /// backslash escapes (the compiler reads them).</summary>
    public static FormatText FromApache(string configured)
    {
        var s = configured.TrimEnd();
        var start = s.Length - s.TrimStart().Length;
        if (s.AsSpan(start).StartsWith("LogFormat", StringComparison.OrdinalIgnoreCase) && s.Length > start + 9 && char.IsWhiteSpace(s[start + 9]))
        {
            var i = start + 9;
            while (i < s.Length && char.IsWhiteSpace(s[i]))
            {
                i++;
            }

            if (i < s.Length && s[i] == '"')
            {
                var sb = new StringBuilder();
                var cols = new List<int>();
                for (var j = i + 1; j < s.Length; j++)
                {
                    if (s[j] == '\\' && j + 1 < s.Length)
                    {
                        sb.Append(s[j]).Append(s[j + 1]);
                        cols.Add(j + 1);
                        cols.Add(j + 2);
                        j++;
                        continue;
                    }

                    if (s[j] == '"')
                    {
                        break;
                    }

                    sb.Append(s[j]);
                    cols.Add(j + 1);
                }

                return new FormatText(sb.ToString(), [.. cols], null);
            }
        }

        return Plain(configured);
    }

    /// <summary>Accepts a bare nginx format, or a <c>log_format name [escape=...] '...' '...';</c> directive whose
    /// quoted strings are joined (nginx's own config escapes undone).</summary>
    public static FormatText FromNginx(string configured)
    {
        var s = configured;
        var start = s.Length - s.TrimStart().Length;
        if (!s.AsSpan(start).StartsWith("log_format", StringComparison.Ordinal) || s.Length <= start + 10 || !char.IsWhiteSpace(s[start + 10]))
        {
            return Plain(configured);
        }

        var i = start + 10;
        SkipSpace(s, ref i);
        while (i < s.Length && !char.IsWhiteSpace(s[i]))
        {
            i++; // the format's name
        }

        SkipSpace(s, ref i);
        string? escape = null;
        if (s.AsSpan(i).StartsWith("escape=", StringComparison.Ordinal))
        {
            var e = i + 7;
            while (i < s.Length && !char.IsWhiteSpace(s[i]))
            {
                i++;
            }

            escape = s[e..i];
            SkipSpace(s, ref i);
        }

        var text = new StringBuilder();
        var columns = new List<int>();
        while (i < s.Length && s[i] != ';')
        {
            if (s[i] is '\'' or '"')
            {
                var quote = s[i++];
                while (i < s.Length && s[i] != quote)
                {
                    if (s[i] == '\\' && i + 1 < s.Length)
                    {
                        var c = s[i + 1] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', var other => other };
                        if (s[i + 1] is '"' or '\'' or '\\' or 'n' or 't' or 'r' or '$')
                        {
                            text.Append(c);
                            columns.Add(i + 1);
                            i += 2;
                            continue;
                        }
                    }

                    text.Append(s[i]);
                    columns.Add(i + 1);
                    i++;
                }

                i++;
            }
            else
            {
                while (i < s.Length && !char.IsWhiteSpace(s[i]) && s[i] != ';')
                {
                    text.Append(s[i]);
                    columns.Add(i + 1);
                    i++;
                }
            }

            SkipSpace(s, ref i);
        }

        return new FormatText(text.ToString(), [.. columns], escape);
    }

    private static void SkipSpace(string s, ref int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }
    }
}
