using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.Observability;

namespace Telemetry.Agent.Delivery;

public static class ExportServiceCollectionExtensions
{
    /// <summary>
    /// Everything that talks to the collector: <see cref="CollectorOptions"/> bound from
    /// <paramref name="collectorSection"/> and validated at start, the bearer token, the gRPC call invoker over the HTTP/2 handler chain,
    /// <see cref="ILogExporter"/> (<see cref="OtlpGrpcLogExporter"/>), the exporter's self-metrics and the
    /// OpenTelemetry MeterProvider exporting the agent's meters to the same collector.
    /// </summary>
    public static IServiceCollection AddOtlpExport(this IServiceCollection services, IConfiguration collectorSection)
    {
        services.AddOptions<CollectorOptions>().Bind(collectorSection).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CollectorOptions>, CollectorOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();

        services.TryAddSingleton(static sp => new OtlpBearerToken(
            sp.GetRequiredService<IOptions<CollectorOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OtlpBearerToken>>()));
        services.TryAddSingleton(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<CollectorOptions>>().Value;
            return new OtlpHttpCallInvoker(
                OtlpGrpcChannelFactory.CreateHandlerChain(options, sp.GetRequiredService<OtlpBearerToken>()),
                options.Endpoint);
        });
        services.TryAddSingleton<ExportInstruments>();
        services.TryAddSingleton<IExportObserver>(static sp => sp.GetRequiredService<ExportInstruments>());
        services.TryAddSingleton<ILogExporter>(static sp => new OtlpGrpcLogExporter(
            sp.GetRequiredService<OtlpHttpCallInvoker>(),
            sp.GetRequiredService<IOptions<CollectorOptions>>().Value,
            sp.GetRequiredService<OtlpBearerToken>(),
            sp.GetRequiredService<IExportObserver>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OtlpGrpcLogExporter>>()));

        services.AddAgentMetrics();
        return services;
    }
}
