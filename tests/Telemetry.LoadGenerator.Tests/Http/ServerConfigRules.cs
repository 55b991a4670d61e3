namespace Telemetry.LoadGenerator.Tests.Http;

/// <summary>
/// The rules of the load generator's server configs (<c>ServerConfigs/*.template</c>, what users paste into
/// their servers) that make a request for <c>/status/&lt;code&gt;/...</c> answer with that code, for
/// TestKit's <see cref="Telemetry.TestKit.WebServers.NginxServer"/> and
/// <see cref="Telemetry.TestKit.WebServers.ApacheServer"/>: the tests check the shipped rules, on the shared servers.
/// </summary>
internal static class ServerConfigRules
{
    /// <summary>The <c>location</c> lines of nginx.conf.template (its server block's rules).</summary>
    public static string NginxLocations() =>
        string.Join('\n', Template("nginx.conf.template").Where(l => l.TrimStart().StartsWith("location ", StringComparison.Ordinal)));

    /// <summary>apache2.conf.template's rewrite rules, the modules they need, and UseCanonicalName (<c>%V</c> = Host).</summary>
    public static string ApacheRewrites()
    {
        var lines = Template("apache2.conf.template");
        var rules = lines.SkipWhile(l => !l.StartsWith("<IfModule rewrite_module>", StringComparison.Ordinal))
            .TakeWhile(l => !l.StartsWith("</IfModule>", StringComparison.Ordinal))
            .Append("</IfModule>");
        var modules = lines.Where(l => l.StartsWith("LoadModule rewrite_module", StringComparison.Ordinal) || l.StartsWith("LoadModule alias_module", StringComparison.Ordinal)
            || l.StartsWith("UseCanonicalName", StringComparison.Ordinal));
        return string.Join('\n', modules.Concat(rules)).Replace("{{MODULES}}", "/usr/lib/apache2/modules", StringComparison.Ordinal);
    }

    private static string[] Template(string name)
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "ServerConfigs", name));
        Assert.Contains(lines, l => l.Contains("/status/404/", StringComparison.Ordinal));
        return lines;
    }
}
