using System.Globalization;

namespace Telemetry.LoadGenerator.Cli;

/// <summary>Reads <c>--name value</c> pairs; every option must be consumed, so a typo is an error.</summary>
public sealed class ArgumentReader
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public ArgumentReader(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new ArgumentException($"unexpected argument '{arg}' (options are --name value)");
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                _values[arg[2..eq]] = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                _values[arg[2..]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"{arg}: a value is needed");
            }
        }
    }

    public string? String(string name)
    {
        _used.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public string String(string name, string fallback) => String(name) ?? fallback;

    public long? Long(string name)
    {
        var text = String(name);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"--{name}: not an integer: '{text}'");
    }

    public int Int(string name, int fallback) => (int?)Long(name) ?? fallback;

    public double Double(string name, double fallback)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"--{name}: not a number: '{text}'");
    }

    /// <summary>Durations as <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c> or plain seconds.</summary>
    public TimeSpan? Duration(string name)
    {
        var text = String(name);
        return text is null ? null : ParseDuration(name, text);
    }

    public TimeSpan Duration(string name, TimeSpan fallback) => Duration(name) ?? fallback;

    public IReadOnlyList<string>? List(string name)
    {
        var text = String(name);
        return text?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Fails on options nobody asked for.</summary>
    public void EnsureAllUsed()
    {
        foreach (var name in _values.Keys)
        {
            if (!_used.Contains(name))
            {
                throw new ArgumentException($"--{name}: unknown option");
            }
        }
    }

    public static TimeSpan ParseDuration(string name, string text)
    {
        var (number, scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1.0),
            _ when text.EndsWith('m') => (text[..^1], 60.0),
            _ when text.EndsWith('h') => (text[..^1], 3600.0),
            _ => (text, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            throw new ArgumentException($"--{name}: not a duration (e.g. 500ms, 30s, 5m): '{text}'");
        }

        return TimeSpan.FromSeconds(value * scale);
    }
}
