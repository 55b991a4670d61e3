using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry.Collector.Configuration;
using Telemetry.Collector.Enrichment;
using Telemetry.Collector.Pipeline;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Mapping;

public static class MappingServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IExportPipeline"/> (decode → map → enrich → <see cref="IPointSink"/>)
    /// with the <c>limits</c> and <c>enrichment</c> sections of <paramref name="root"/>, validated at start.</summary>
    public static IServiceCollection AddMapping(this IServiceCollection services, IConfiguration root)
    {
        services.AddOptions<LimitsOptions>().Bind(root.GetSection(LimitsOptions.SectionName)).ValidateOnStart();
        services.AddOptions<EnrichmentOptions>().Bind(root.GetSection(EnrichmentOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LimitsOptions>, LimitsOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EnrichmentOptions>, EnrichmentOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MappingMetrics>();
        services.TryAddSingleton<AcceptedBytesBudget>();
        services.TryAddSingleton(sp =>
        {
            var enrichment = sp.GetRequiredService<IOptions<EnrichmentOptions>>().Value;
            return new RouteTemplater(enrichment.MaxRoutes, enrichment.RouteRules);
        });
        services.TryAddSingleton(sp => new StaticTags(sp.GetRequiredService<IOptions<EnrichmentOptions>>().Value.StaticTags));
        services.TryAddSingleton<IExportPipeline>(sp =>
        {
            var limits = sp.GetRequiredService<IOptions<LimitsOptions>>().Value;
            var staticTags = sp.GetRequiredService<StaticTags>();
            return new ExportPipeline(
                sp.GetRequiredService<IPointSink>(),
                new LogsMapper(limits, sp.GetRequiredService<RouteTemplater>(), staticTags),
                new MetricsMapper(limits, staticTags),
                sp.GetRequiredService<MappingMetrics>(),
                sp.GetRequiredService<AcceptedBytesBudget>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ExportPipeline>>());
        });
        return services;
    }
}
