using Microsoft.Extensions.Configuration;

namespace Telemetry.Agent.Configuration;

/// <summary>
/// Loads the agent's configuration: the YAML file named by <c>--config</c>, then <c>TELEMETRY_</c>
/// environment variables (<c>TELEMETRY_BATCH__MAX_RECORDS=500</c> overrides <c>batch.max_records</c>).
/// </summary>
public static class AgentConfiguration
{
    public static ConfigurationManager Load(string path)
    {
        var configuration = new ConfigurationManager();
        var full = Path.GetFullPath(path);
        ((IConfigurationBuilder)configuration).Add(new YamlConfigurationSource
        {
            Path = Path.GetFileName(full),
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.GetDirectoryName(full)!),
            Optional = false,
            ReloadOnChange = false,
        });
        configuration.AddEnvironmentVariables("TELEMETRY_");
        return configuration;
    }

    /// <summary>Binds and validates. Returns the options, or the problems (one line each).</summary>
    public static AgentOptions? Bind(IConfiguration configuration, out List<string> problems)
    {
        var options = new AgentOptions();
        try
        {
            configuration.Bind(options);
        }
        catch (InvalidOperationException e)
        {
            problems = [e.Message];
            return null;
        }

        problems = AgentOptionsValidator.Problems(options);
        return problems.Count == 0 ? options : null;
    }

    /// <summary>The value of <c>--config</c> (or <c>-c</c>, or <c>--config=path</c>).</summary>
    public static string? ConfigPath(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--config" or "-c")
            {
                return i + 1 < args.Length ? args[i + 1] : null;
            }

            if (args[i].StartsWith("--config=", StringComparison.Ordinal))
            {
                return args[i]["--config=".Length..];
            }
        }

        return null;
    }
}
