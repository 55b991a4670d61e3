using Telemetry.Agent.Tailing;
using Telemetry.TestKit;

namespace Telemetry.Agent.Tests.Tailing;

public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("/var/log/nginx/*access.log", "/var/log/nginx/access.log", true)]
    [InlineData("/var/log/nginx/*access.log", "/var/log/nginx/site1-access.log", true)]
    [InlineData("/var/log/nginx/*access.log", "/var/log/nginx/access.log.1", false)]
    [InlineData("/var/log/nginx/*access.log", "/var/log/nginx/sub/access.log", false)]
    [InlineData("/var/log/*/access.log", "/var/log/apache2/access.log", true)]
    [InlineData("/var/log/**/access.log", "/var/log/access.log", true)]
    [InlineData("/var/log/**/access.log", "/var/log/a/b/c/access.log", true)]
    [InlineData("/var/log/**/access.log", "/var/log/a/b/c/error.log", false)]
    [InlineData("/var/log/access.log?", "/var/log/access.log1", true)]
    [InlineData("/var/log/access.log?", "/var/log/access.log", false)]
    [InlineData("/srv/*/logs/*.log", "/srv/www/logs/a.b.log", true)]
    [InlineData("/a/*b*c*", "/a/xxbyycxx", true)]
    [InlineData("/a/*b*c", "/a/xxbyycxx", false)]
    public void Glob_matches_like_a_shell(string pattern, string path, bool matches) =>
        Assert.Equal(matches, new GlobPattern(pattern, ignoreCase: false).IsMatch(path));

    [Fact]
    public void Glob_base_directory_is_the_part_before_the_first_wildcard()
    {
        Assert.Equal("/var/log/nginx", new GlobPattern("/var/log/nginx/*.log").BaseDirectory);
        Assert.Equal("/var/log", new GlobPattern("/var/log/**/x.log").BaseDirectory);
        Assert.Equal("/var/log/nginx", new GlobPattern("/var/log/nginx/access.log").BaseDirectory);
    }

    [Fact]
    public void Scanner_finds_matching_files_minus_excluded_and_compressed_ones()
    {
        using var dir = new TempDirectory();
        foreach (var name in new[] { "a/access.log", "a/access.log.1", "a/access.log.2.gz", "b/c/access.log", "a/skip-access.log" })
        {
            var path = dir.Combine(name.Split('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "");
        }

        var scanner = new GlobScanner([dir.Path + "/**/*access.log*"], [dir.Path + "/a/skip-*"]);
        var found = new SortedSet<string>(StringComparer.Ordinal);
        scanner.Scan(found);
        Assert.Equal([dir.Combine("a", "access.log"), dir.Combine("a", "access.log.1"), dir.Combine("b", "c", "access.log")], found);
    }

    [Fact]
    public void Watch_roots_are_recursive_when_a_match_may_lie_below_the_base_directory()
    {
        var scanner = new GlobScanner(["/var/log/nginx/access.log", "/var/log/*/access.log", "/srv/**/access.log", "/var/www/*.log"], []);
        Assert.Equal(
            [("/var/log/nginx", false), ("/var/log", true), ("/srv", true), ("/var/www", false)],
            scanner.WatchRoots().ToList());
    }
}
