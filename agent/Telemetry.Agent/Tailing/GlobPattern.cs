namespace Telemetry.Agent.Tailing;

/// <summary>
/// A compiled path glob: <c>*</c> (any run of characters within one path segment), <c>?</c> (one
/// character), <c>**</c> (any number of whole segments, including none). Matching is ordinal and, on
/// Windows, case-insensitive. Paths use <c>/</c> (Windows paths are normalized before matching).
/// </summary>
public sealed class GlobPattern
{
    private readonly string[] _segments;
    private readonly bool _ignoreCase;

    public GlobPattern(string pattern, bool? ignoreCase = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        Pattern = Normalize(pattern);
        _ignoreCase = ignoreCase ?? OperatingSystem.IsWindows();
        _segments = Pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var baseParts = new List<string>();
        foreach (var segment in _segments)
        {
            if (HasWildcard(segment))
            {
                break;
            }

            baseParts.Add(segment);
        }

        var rooted = Pattern.StartsWith('/');
        BaseDirectory = (rooted ? "/" : "") + string.Join('/', baseParts);
        if (baseParts.Count == _segments.Length)
        {
            // A plain path: its base is the parent directory.
            BaseDirectory = Path.GetDirectoryName(Pattern.Replace('/', Path.DirectorySeparatorChar)) ?? BaseDirectory;
        }

        HasRecursion = Array.IndexOf(_segments, "**") >= 0;
    }

    public string Pattern { get; }

    /// <summary>The longest leading directory without wildcards: where a scan starts.</summary>
    public string BaseDirectory { get; }

    public bool HasRecursion { get; }

    public static string Normalize(string path) => path.Replace('\\', '/');

    public bool IsMatch(string path)
    {
        var parts = Normalize(path).Split('/', StringSplitOptions.RemoveEmptyEntries);
        return MatchSegments(0, parts, 0);
    }

    private bool MatchSegments(int pi, string[] parts, int si)
    {
        while (pi < _segments.Length)
        {
            var segment = _segments[pi];
            if (segment == "**")
            {
                for (var skip = si; skip <= parts.Length; skip++)
                {
                    if (MatchSegments(pi + 1, parts, skip))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (si >= parts.Length || !MatchSegment(segment, parts[si]))
            {
                return false;
            }

            pi++;
            si++;
        }

        return si == parts.Length;
    }

    /// <summary>Matches one segment with <c>*</c> and <c>?</c>, iteratively (backtracking to the last star).</summary>
    internal bool MatchSegment(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private bool Same(char a, char b) => a == b || (_ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));

    private static bool HasWildcard(string segment) => segment.AsSpan().IndexOfAny('*', '?') >= 0;
}
