using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry.Collector.Configuration;
using Telemetry.Collector.Health;
using Telemetry.Collector.Pipeline;
using Telemetry.Collector.Receiving;
using Telemetry.Collector.SelfMetrics;

namespace Telemetry.Collector;

/// <summary>
/// The collector process: configuration (<c>--config collector.yaml</c> + <c>TELEMETRY_</c> environment
/// overrides), the two OTLP listeners, health endpoints, self-metrics and the pipeline stages
/// (<see cref="CollectorStages"/>). <see cref="RunAsync"/> turns every configuration problem into one
/// line on stderr and exit code 2.
/// </summary>
public static class CollectorApp
{
    /// <summary>Exit code of a process that refused to start because of its configuration.</summary>
    public const int ConfigErrorExitCode = 2;

    /// <summary>Exit code of a process that could not start for another reason (port in use, ...).</summary>
    public const int StartFailureExitCode = 1;

    public const string EnvironmentPrefix = "TELEMETRY_";

    /// <summary>Builds the application. Throws <see cref="ConfigurationErrorException"/> for configuration problems
    /// that can be seen before start; options validators run at start (<c>ValidateOnStart</c>).</summary>
    /// <param name="args">Command line: <c>--config &lt;file&gt;</c>.</param>
    /// <param name="configureServices">Runs after the stages are registered (tests replace stages here).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection, IConfiguration>? configureServices = null)
    {
        var configPath = ConfigPath(args);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });

        AddConfiguration(builder.Configuration, configPath);
        var configuration = builder.Configuration;

        builder.Host.UseSystemd();
        builder.Host.UseWindowsService(o => o.ServiceName = "telemetry-collector");
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Logging.AddConfiguration(configuration.GetSection("logging"));

        var receiver = BindEagerly<ReceiverOptions>(configuration, ReceiverOptions.SectionName);
        if (ReceiverOptionsValidator.FirstError(receiver) is { } receiverError)
        {
            var colon = receiverError.IndexOf(": ", StringComparison.Ordinal);
            throw new ConfigurationErrorException(receiverError[..colon], receiverError[(colon + 2)..]);
        }

        var certificates = ServerCertificates.Load(receiver.Tls);
        var selfMetrics = BindEagerly<SelfMetricsOptions>(configuration, SelfMetricsOptions.SectionName);

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ReceiverOptions>().Bind(configuration.GetSection(ReceiverOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReceiverOptions>, ReceiverOptionsValidator>();
        services.AddOptions<SelfMetricsOptions>().Bind(configuration.GetSection(SelfMetricsOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SelfMetricsOptions>, SelfMetricsOptionsValidator>();

        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = receiver.MaxRequestBytes;
            grpc.EnableDetailedErrors = false;
            grpc.CompressionProviders = [new GzipPassThroughCompressionProvider()];
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<OtlpGrpcService>, OtlpGrpcMethodProvider>());
        services.AddSingleton<BearerTokenAuthenticator>();
        services.AddSingleton<ReceiverMetrics>();
        services.AddSingleton<ExportDispatcher>();
        services.AddSingleton<OtlpGrpcService>();
        services.AddSingleton<OtlpHttpReceiver>();
        services.AddOptions<KestrelServerOptions>().Configure<ILoggerFactory>((kestrel, loggers) =>
            ReceiverListeners.Configure(kestrel, receiver, certificates, loggers));

        if (selfMetrics.Enabled)
        {
            services.AddHostedService<SelfMetricsReporter>();
        }

        CollectorStages.Add(services, configuration);
        configureServices?.Invoke(services, configuration);

        var app = builder.Build();
        if (app.Services.GetService<IExportPipeline>() is null)
        {
            throw new ConfigurationErrorException("pipeline", "no export pipeline is registered (CollectorStages.Add wires Mapping and Writing)");
        }

        try
        {
            ValidateAll(app.Services);
        }
        catch
        {
            ((IDisposable)app).Dispose();
            throw;
        }

        MapEndpoints(app);
        LogStart(app, receiver, certificates);
        return app;
    }

    /// <summary>Builds, starts and runs the collector until shutdown. Returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stderr,
        Action<IServiceCollection, IConfiguration>? configureServices = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        WebApplication app;
        try
        {
            app = Build(args, configureServices);
        }
        catch (Exception e) when (ConfigErrorLine(e) is { } line)
        {
            await stderr.WriteLineAsync(line);
            return ConfigErrorExitCode;
        }

        await using (app)
        {
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (Exception e) when (ConfigErrorLine(e) is { } line)
            {
                await stderr.WriteLineAsync(line);
                return ConfigErrorExitCode;
            }
            catch (IOException e)
            {
                await stderr.WriteLineAsync("receiver: cannot listen: " + e.Message.ReplaceLineEndings(" "));
                return StartFailureExitCode;
            }

            await app.WaitForShutdownAsync(cancellationToken);
        }

        return 0;
    }

    /// <summary>The one stderr line for a configuration problem, or null when <paramref name="e"/> is not one.</summary>
    public static string? ConfigErrorLine(Exception e) => e switch
    {
        ConfigurationErrorException c => OneLine(c.Message),
        OptionsValidationException o => OneLine(o.Failures.FirstOrDefault() ?? o.Message),
        InvalidOperationException i when BindingFailure(i) is { } bindingLine => bindingLine,
        AggregateException { InnerExceptions.Count: > 0 } a => ConfigErrorLine(a.InnerExceptions[0]),
        _ => null,
    };

    private static string? ConfigPath(string[] args) => args switch
    {
        [] => null,
        ["--config" or "-c", var path] when !string.IsNullOrWhiteSpace(path) => path,
        ["--config" or "-c"] or ["--config" or "-c", _] => throw new ConfigurationErrorException("--config", "needs a file path"),
        [var single] when single.StartsWith("--config=", StringComparison.Ordinal) => single["--config=".Length..],
        ["--config" or "-c", _, var extra, ..] => throw new ConfigurationErrorException(extra, "unknown argument (usage: telemetry-collector --config <file>)"),
        [var first, ..] => throw new ConfigurationErrorException(first, "unknown argument (usage: telemetry-collector --config <file>)"),
    };

    private static void AddConfiguration(ConfigurationManager configuration, string? configPath)
    {
        // Defaults the file and the environment can override: ASP.NET Core's per-request lines would
        // otherwise fill the journal with two lines per Export.
        configuration.AddInMemoryCollection([new("Logging:LogLevel:Microsoft.AspNetCore", "Warning")]);
        if (configPath is not null)
        {
            var full = Path.GetFullPath(configPath);
            if (!File.Exists(full))
            {
                throw new ConfigurationErrorException("--config", $"file '{configPath}' not found");
            }

            var values = YamlConfigurationFile.Read(full);
            if (UnknownKeys.FirstError(values.Keys) is { } unknown)
            {
                var colon = unknown.IndexOf(": ", StringComparison.Ordinal);
                throw new ConfigurationErrorException(unknown[..colon], unknown[(colon + 2)..]);
            }

            configuration.AddInMemoryCollection(values);
        }

        configuration.AddEnvironmentVariables(EnvironmentPrefix);
    }

    private static T BindEagerly<T>(IConfiguration configuration, string section)
        where T : new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationErrorException(BindingFailure(e) ?? section + ": " + OneLine(e.Message), e);
        }

        return options;
    }

    /// <summary>Runs every options validator now, so a bad value is one line before the host starts (a hosted
    /// service that reads its options in its constructor would otherwise fail first, logged with a stack trace).</summary>
    private static void ValidateAll(IServiceProvider services)
    {
        _ = services.GetRequiredService<IOptions<ReceiverOptions>>().Value;
        _ = services.GetRequiredService<IOptions<SelfMetricsOptions>>().Value;
        _ = services.GetRequiredService<IOptions<InfluxDbOptions>>().Value;
        _ = services.GetRequiredService<IOptions<LimitsOptions>>().Value;
        _ = services.GetRequiredService<IOptions<EnrichmentOptions>>().Value;
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.MapGrpcService<OtlpGrpcService>();
        var http = app.Services.GetRequiredService<OtlpHttpReceiver>();
        app.MapPost("/v1/logs", http.HandleLogsAsync);
        app.MapPost("/v1/metrics", http.HandleMetricsAsync);
        HealthEndpoints.Map(app);
    }

    private static void LogStart(WebApplication app, ReceiverOptions receiver, ServerCertificates? certificates)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Telemetry.Collector.Receiving");
        var authenticator = app.Services.GetRequiredService<BearerTokenAuthenticator>();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var clientCertificates = certificates?.ClientCas is null ? "off" : receiver.Tls.RequireClientCertificate ? "required" : "optional";
            logger.Listening(receiver.GrpcEndpoint, receiver.HttpEndpoint, certificates is not null, clientCertificates);
            if (authenticator.Enabled)
            {
                logger.AuthenticationEnabled(authenticator.TokenCount);
            }
            else
            {
                logger.AuthenticationDisabled();
            }
        });
    }

    /// <summary>Rewrites the binder's "Failed to convert configuration value 'abc' at 'receiver:max_request_bytes'
    /// to type 'System.Int32'." as <c>receiver.max_request_bytes: 'abc' is not a valid Int32</c>.</summary>
    private static string? BindingFailure(InvalidOperationException e)
    {
        var match = System.Text.RegularExpressions.Regex.Match(e.Message,
            "^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'");
        if (!match.Success)
        {
            return null;
        }

        var type = match.Groups["type"].Value;
        type = type[(type.LastIndexOf('.') + 1)..];
        var hint = type switch
        {
            "TimeSpan" => " (write durations as hh:mm:ss[.fff], e.g. 00:00:10 or 00:00:00.500)",
            "Boolean" => " (true or false)",
            _ => string.Empty,
        };
        return $"{match.Groups["key"].Value.Replace(':', '.')}: '{OneLine(match.Groups["value"].Value)}' is not a valid {type}{hint}";
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
