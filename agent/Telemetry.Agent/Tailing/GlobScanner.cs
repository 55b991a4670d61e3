namespace Telemetry.Agent.Tailing;

/// <summary>
/// Expands a source's globs into the files they match now, minus excluded ones and compressed
/// rotations (<c>.gz</c>, <c>.bz2</c>, <c>.xz</c>, <c>.zst</c>, <c>.zip</c>), which are never read.
/// </summary>
public sealed class GlobScanner
{
    private readonly GlobPattern[] _include;
    private readonly GlobPattern[] _exclude;

    public GlobScanner(IReadOnlyList<string> include, IReadOnlyList<string> exclude)
    {
        _include = new GlobPattern[include.Count];
        for (var i = 0; i < include.Count; i++)
        {
            _include[i] = new GlobPattern(include[i]);
        }

        _exclude = new GlobPattern[exclude.Count];
        for (var i = 0; i < exclude.Count; i++)
        {
            _exclude[i] = new GlobPattern(exclude[i]);
        }
    }

    /// <summary>Directories to watch for hints (the globs' base directories that exist).</summary>
    public IEnumerable<(string Directory, bool Recursive)> WatchRoots()
    {
        foreach (var glob in _include)
        {
            yield return (glob.BaseDirectory, glob.HasRecursion);
        }
    }

    /// <summary>Adds every matching regular file to <paramref name="found"/> (sorted, deduplicated).</summary>
    public void Scan(SortedSet<string> found)
    {
        foreach (var glob in _include)
        {
            if (!Directory.Exists(glob.BaseDirectory))
            {
                continue;
            }

            var options = new EnumerationOptions
            {
                RecurseSubdirectories = glob.HasRecursion || glob.Pattern.Count(c => c == '/') > glob.BaseDirectory.Count(c => c == '/') + 1,
                IgnoreInaccessible = true,
                AttributesToSkip = FileAttributes.Device,
                ReturnSpecialDirectories = false,
            };
            try
            {
                foreach (var file in Directory.EnumerateFiles(glob.BaseDirectory, "*", options))
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
