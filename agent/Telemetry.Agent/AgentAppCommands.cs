using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Telemetry.Agent.Batching;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.Parsing;

namespace Telemetry.Agent;

/// <summary>
/// The command line: <c>run --config agent.yaml</c>, <c>check --config agent.yaml</c>, <c>parse ...</c>.
/// Exit codes: 0 ok, 2 configuration error (one line per problem on stderr), 1 runtime failure.
/// </summary>
public static class AgentAppCommands
{
    public const int ConfigError = 2;

    public static async Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        Func<SourceOptions, ILogFormat> formats,
        Action<IServiceCollection, IConfiguration>? configureServices = null)
    {
        var command = args.Length > 0 ? args[0] : "";
        switch (command)
        {
            case "parse":
                return ParseCommand(args);
            case "run":
            case "check":
                break;
            case "--version":
            case "version":
                stdout.WriteLine(typeof(AgentApp).Assembly.GetName().Version?.ToString(3));
                return 0;
            default:
                stderr.WriteLine("usage: telemetry-agent run|check --config agent.yaml | parse --format apache|nginx|iis|json [--log-format '...']");
                return ConfigError;
        }

        var path = AgentConfiguration.ConfigPath(args);
        if (path is null)
        {
            stderr.WriteLine($"{command}: --config <file> is required");
            return ConfigError;
        }

        ConfigurationManager configuration;
        try
        {
            configuration = AgentConfiguration.Load(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{path}: {e.InnerException?.Message ?? e.Message}");
            return ConfigError;
        }

        var problems = new List<string>();
        using var host = AgentApp.Build(configuration, formats, problems, configureServices);
        if (host is not null)
        {
            ValidateStages(host, problems);
        }

        if (host is null || problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                stderr.WriteLine(problem);
            }

            return ConfigError;
        }

        if (command == "check")
        {
            return Check(configuration, formats, stdout, stderr);
        }

        await host.RunAsync();
        return 0;
    }

    /// <summary>Hands <c>parse</c> to <see cref="Cli.ParseCommand"/> with the process's own streams.</summary>
    private static int ParseCommand(string[] args)
    {
        using var stdin = Console.OpenStandardInput();
        using var stdout = Console.OpenStandardOutput();
        return Cli.ParseCommand.Run(args[1..], stdin, stdout, Console.Error);
    }

    /// <summary>The other stages' options (collector, host_metrics) validate on start; ask them now so a
    /// bad value is one line and exit code 2, not a stack trace.</summary>
    private static void ValidateStages(IHost host, List<string> problems)
    {
        try
        {
            _ = host.Services.GetRequiredService<IOptions<CollectorOptions>>().Value;
            _ = host.Services.GetRequiredService<IOptions<HostMetricsOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            problems.AddRange(e.Failures);
        }
        catch (InvalidOperationException e)
        {
            problems.Add(e.Message);
        }
    }

    /// <summary>Validates, compiles each format, and prints each source with the files its globs match now.</summary>
    public static int Check(IConfiguration configuration, Func<SourceOptions, ILogFormat> formats, TextWriter stdout, TextWriter stderr)
    {
        var options = AgentConfiguration.Bind(configuration, out var problems);
        var sources = options is null ? [] : TailSourceCompiler.Compile(options, formats, AgentApp.ResourceAttributes(), problems);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                stderr.WriteLine(problem);
            }

            return ConfigError;
        }

        stdout.WriteLine($"configuration ok; state_dir {options!.StateDir}");
        foreach (var source in sources)
        {
            stdout.WriteLine($"source {source.Name} ({source.Options.Format}, start_at {source.Options.StartAt}):");
            var files = new SortedSet<string>(StringComparer.Ordinal);
            source.Scanner.Scan(files);
            if (files.Count == 0)
            {
                stdout.WriteLine("  (no files match yet)");
            }

            foreach (var file in files)
            {
                stdout.WriteLine($"  {file}");
            }
        }

        return 0;
    }
}
