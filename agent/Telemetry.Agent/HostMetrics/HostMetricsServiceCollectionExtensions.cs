using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Telemetry.Agent.Configuration;

namespace Telemetry.Agent.HostMetrics;

/// <summary>Registers host metrics (meter <c>Telemetry.Agent.Host</c>) and the agent's own CPU/RSS (meter <c>Telemetry.Agent</c>).</summary>
public static class HostMetricsServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <paramref name="hostMetricsSection"/> (YAML <c>host_metrics</c>) and starts the collector
    /// with the host. The MeterProvider (registered by the exporter) must listen to <c>Telemetry.Agent.Host</c>.
    /// </summary>
    public static IServiceCollection AddHostMetrics(this IServiceCollection services, IConfiguration hostMetricsSection)
    {
        services.AddOptions<HostMetricsOptions>().Bind(hostMetricsSection).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HostMetricsOptions>, HostMetricsOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HostMetricsService>();
        services.AddHostedService(static provider => provider.GetRequiredService<HostMetricsService>());
        return services;
    }
}
