using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using System.Diagnostics.Metrics;
using Telemetry.Collector.Configuration;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Tests.Writing;

/// <summary>Builds writers and queues for tests against a real or recording InfluxDB.</summary>
internal static class WritingTestKit
{
    private static readonly ServiceProvider Services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public static IMeterFactory MeterFactory => Services.GetRequiredService<IMeterFactory>();

    public static InfluxDbOptions V1(Uri url, string database, Action<InfluxDbOptions>? configure = null)
    {
        var options = new InfluxDbOptions
        {
            Url = url.ToString(),
            Database = database,
            Gzip = true,
            MaxRetries = 2,
            RetryInitialBackoff = TimeSpan.FromMilliseconds(20),
            RetryMaxBackoff = TimeSpan.FromMilliseconds(200),
            Timeout = TimeSpan.FromSeconds(10),
            FlushInterval = TimeSpan.FromMilliseconds(20),
        };
        configure?.Invoke(options);
        return options;
    }

    public static InfluxDbWriter Writer(InfluxDbOptions options, HttpClient? http = null, WriterMetrics? metrics = null) =>
        new(http ?? new HttpClient(), options, InfluxDbServiceCollectionExtensions.ReadSecret(options), metrics ?? new WriterMetrics(MeterFactory), NullLogger<InfluxDbWriter>.Instance, TimeProvider.System);

    public static InfluxWriteQueue Queue(InfluxDbOptions options, InfluxDbWriter? writer = null, WriterMetrics? metrics = null)
    {
        metrics ??= new WriterMetrics(MeterFactory);
        return new InfluxWriteQueue(writer ?? Writer(options, metrics: metrics), Options.Create(options), metrics, NullLogger<InfluxWriteQueue>.Instance, TimeProvider.System);
    }

    public static byte[] Lines(params string[] lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
