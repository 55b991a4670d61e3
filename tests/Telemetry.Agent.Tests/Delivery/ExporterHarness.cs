using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.Delivery;
using Telemetry.Agent.Observability;

namespace Telemetry.Agent.Tests.Delivery;

/// <summary>The agent's export services built from a <c>collector</c> section, as the agent builds them.</summary>
public sealed class ExporterHarness : IDisposable
{
    private ExporterHarness(ServiceProvider services)
    {
        Services = services;
        Exporter = services.GetRequiredService<ILogExporter>();
        Instruments = services.GetRequiredService<ExportInstruments>();
    }

    public ServiceProvider Services { get; }

    public ILogExporter Exporter { get; }

    public ExportInstruments Instruments { get; }

    public static ExporterHarness Create(IDictionary<string, string?> collector, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddOtlpExport(Section(collector));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        return new ExporterHarness(provider);
    }

    public static IConfiguration Section(IDictionary<string, string?> collector)
    {
        var root = new ConfigurationBuilder()
            .AddInMemoryCollection(collector.Select(pair => new KeyValuePair<string, string?>("collector:" + pair.Key, pair.Value)))
            .Build();
        return root.GetSection("collector");
    }

    /// <summary>Fast retries for tests that do not look at the delays.</summary>
    public static Dictionary<string, string?> Fast(string endpoint, bool insecure = true) => new()
    {
        ["endpoint"] = endpoint,
        ["insecure"] = insecure ? "true" : "false",
        ["timeout"] = "00:00:05",
        ["initial_backoff"] = "00:00:00.001",
        ["max_backoff"] = "00:00:00.010",
    };

    public CollectorOptions Options => Services.GetRequiredService<IOptions<CollectorOptions>>().Value;

    public void Dispose() => Services.Dispose();
}
