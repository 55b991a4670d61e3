using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry.Collector.Configuration;
using Telemetry.Collector.Pipeline;

namespace Telemetry.Collector.Writing;

public static class InfluxDbServiceCollectionExtensions
{
    /// <summary>Registers the InfluxDB write stage from the <c>influxdb</c> section: validated options,
    /// <see cref="IPointSink"/> (the write queue), <see cref="IStorageProbe"/> (<c>/ping</c>), metrics, and a
    /// hosted service that flushes accepted points on shutdown.</summary>
    public static IServiceCollection AddInfluxDbWriting(this IServiceCollection services, IConfiguration influxSection)
    {
        services.AddOptions<InfluxDbOptions>().Bind(influxSection).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InfluxDbOptions>, InfluxDbOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<WriterMetrics>();
        services.TryAddSingleton<InfluxDbHttpClient>();
        services.TryAddSingleton(sp => WriteBufferPool.For(sp.GetRequiredService<IOptions<InfluxDbOptions>>().Value));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<InfluxDbOptions>>().Value;
            return new InfluxDbWriter(
                sp.GetRequiredService<InfluxDbHttpClient>().Client,
                options,
                ReadSecret(options),
                sp.GetRequiredService<WriterMetrics>(),
                sp.GetRequiredService<ILogger<InfluxDbWriter>>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<WriteBufferPool>());
        });
        services.TryAddSingleton<InfluxWriteQueue>();
        services.TryAddSingleton<IPointSink>(sp => sp.GetRequiredService<InfluxWriteQueue>());
        services.TryAddSingleton<IStorageProbe, InfluxDbProbe>();
        services.AddHostedService<InfluxWriteQueueService>();
        return services;
    }

    /// <summary>The v1 password or v2 token, from its file (trailing newline dropped) or the inline key.</summary>
    internal static string? ReadSecret(InfluxDbOptions options)
    {
        var file = options.IsV2 ? options.TokenFile : options.PasswordFile;
        if (!string.IsNullOrEmpty(file))
        {
            return File.ReadAllText(file).TrimEnd('\r', '\n');
        }

        return options.IsV2 ? options.Token : options.Password;
    }

    /// <summary>Flushes the write queue when the host stops.</summary>
    private sealed class InfluxWriteQueueService(InfluxWriteQueue queue) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => queue.StopAsync(cancellationToken);
    }
}
