using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Collector.Mapping;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector;

/// <summary>
/// The pipeline behind the receivers: Mapping (<c>IExportPipeline</c>) and Writing (<c>IPointSink</c>,
/// <c>IStorageProbe</c>, flush on shutdown). This is the one place where those stages are registered.
/// </summary>
public static class CollectorStages
{
    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddInfluxDbWriting(configuration.GetSection("influxdb"));
        services.AddMapping(configuration);
    }
}
