using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry.Agent.Batching;
using Telemetry.Agent.Checkpoints;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.Delivery;
using Telemetry.Agent.HostMetrics;
using Telemetry.Agent.Metrics;
using Telemetry.Agent.Parsing;
using Telemetry.Agent.Resources;

namespace Telemetry.Agent;

/// <summary>The agent's host: options, the log pipeline's stages, export, host metrics.</summary>
public static class AgentApp
{
    /// <summary>Compiles a source's format (<see cref="LogFormatFactory"/>); throws <see cref="LogFormatException"/>.</summary>
    public static ILogFormat CompileFormat(SourceOptions source) =>
        LogFormatFactory.Create(source.Format, source.LogFormat, source.JsonFields);

    /// <summary>Builds the host from loaded configuration. Returns null and fills <paramref name="problems"/> on a config error.</summary>
    public static IHost? Build(
        ConfigurationManager configuration,
        Func<SourceOptions, ILogFormat> formats,
        List<string> problems,
        Action<IServiceCollection, IConfiguration>? configureServices = null)
    {
        var options = AgentConfiguration.Bind(configuration, out var bindProblems);
        problems.AddRange(bindProblems);
        if (options is null)
        {
            return null;
        }

        var sources = TailSourceCompiler.Compile(options, formats, ResourceAttributes(), problems);
        if (problems.Count > 0)
        {
            return null;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            Configuration = configuration,
            ApplicationName = "telemetry-agent",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.AddConfiguration(configuration.GetSection("logging"));
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(o => o.ServiceName = "telemetry-agent");

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        services.AddSingleton<IReadOnlyList<TailSource>>(sources);
        services.AddSingleton<AgentMetrics>();
        services.AddSingleton(sp => new RequestMetrics(options.RequestMetrics));
        services.AddSingleton(sp => new CheckpointStore(options.StateDir, sp.GetRequiredService<TimeProvider>(), options.ForgetAfter, sp.GetRequiredService<ILogger<CheckpointStore>>()));
        services.AddSingleton<PipelineService>();
        services.AddHostedService(sp => sp.GetRequiredService<PipelineService>());

        // Test seams first: the stages below register with TryAdd, so a test's ILogExporter wins.
        configureServices?.Invoke(services, configuration);
        services.AddOtlpExport(configuration.GetSection("collector"));
        services.AddHostMetrics(configuration.GetSection("host_metrics"));
        return builder.Build();
    }

    /// <summary>Resource attributes of every log record (the source's name replaces service.name).</summary>
    public static IReadOnlyList<KeyValuePair<string, object>> ResourceAttributes() => HostResource.Detect().Attributes;
}
