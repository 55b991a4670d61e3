namespace Telemetry.Agent.Tailing;

/// <summary>
/// Expands a source's globs into the files they match now, minus excluded ones and compressed
/// rotations (<c>.gz</c>, <c>.bz2</c>, <c>.xz</c>, <c>.zst</c>, <c>.zip</c>), which are never read.
/// </summary>
public sealed class GlobScanner
{
    private readonly GlobPattern[] _include;
    private readonly GlobPattern[] _exclude;
    private readonly EnumerationOptions[] _enumeration;

    public GlobScanner(IReadOnlyList<string> include, IReadOnlyList<string> exclude)
    {
        _include = new GlobPattern[include.Count];
        for (var i = 0; i < include.Count; i++)
        {
            _include[i] = new GlobPattern(include[i]);
        }

        _enumeration = new EnumerationOptions[_include.Length];
        for (var i = 0; i < _include.Length; i++)
        {
            _enumeration[i] = new EnumerationOptions
            {
                RecurseSubdirectories = Recursive(_include[i]),
                IgnoreInaccessible = true,
                AttributesToSkip = FileAttributes.Device,
                ReturnSpecialDirectories = false,
            };
        }

        _exclude = new GlobPattern[exclude.Count];
        for (var i = 0; i < exclude.Count; i++)
        {
            _exclude[i] = new GlobPattern(exclude[i]);
        }
    }

    /// <summary>Directories to watch for hints: the globs' base directories, recursively when a match may lie
    /// below them (<c>**</c>, or a wildcard in a directory segment such as <c>/var/log/*/access.log</c>).</summary>
    public IEnumerable<(string Directory, bool Recursive)> WatchRoots()
    {
        for (var i = 0; i < _include.Length; i++)
        {
            yield return (_include[i].BaseDirectory, _enumeration[i].RecurseSubdirectories);
        }
    }

    private static bool Recursive(GlobPattern glob) =>
        glob.HasRecursion || glob.Pattern.Count(c => c == '/') > glob.BaseDirectory.Count(c => c == '/') + 1;

    /// <summary>Adds every matching regular file to <paramref name="found"/> (sorted, deduplicated).</summary>
    public void Scan(SortedSet<string> found)
    {
        for (var i = 0; i < _include.Length; i++)
        {
            var glob = _include[i];
            if (!Directory.Exists(glob.BaseDirectory))
            {
                continue;
            }

            try
            {
                foreach (var file in Directory.EnumerateFiles(glob.BaseDirectory, "*", _enumeration[i]))
                {
                    if (glob.IsMatch(file) && !IsCompressed(file) && !IsExcluded(file))
                    {
                        found.Add(file);
                    }
                }
            }
            catch (IOException)
            {
                // The directory went away during the scan; the next scan sees the new state.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    public bool IsExcluded(string path)
    {
        foreach (var glob in _exclude)
        {
            if (glob.IsMatch(path))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsCompressed(string path) =>
        path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".bz2", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".xz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".zst", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);
}
