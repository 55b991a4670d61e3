using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;
using Telemetry.Agent.Delivery;
using Telemetry.Agent.Observability;

namespace Telemetry.IntegrationTests.Tls;

/// <summary>The agent's export services (AddOtlpExport) built from a collector section.</summary>
public sealed class AgentExportHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public AgentExportHarness(IDictionary<string, string?> collector)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(collector.Select(p => new KeyValuePair<string, string?>("collector:" + p.Key, p.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
        services.AddOtlpExport(configuration.GetSection("collector"));
        _services = services.BuildServiceProvider();
        Exporter = _services.GetRequiredService<ILogExporter>();
        Instruments = _services.GetRequiredService<ExportInstruments>();
    }

    public ILogExporter Exporter { get; }

    /// <summary>What the agent logged.</summary>
    public CapturedLogs Logs { get; } = new();

    public ExportInstruments Instruments { get; }

    /// <summary>An encoded request of <paramref name="lines"/> access-log records, distinct paths and times,
    /// followed by <paramref name="oversized"/> records carrying <paramref name="oversizedAttributes"/> attributes each.</summary>
    public static byte[] AccessLines(int lines, string pathPrefix, int oversized = 0, int oversizedAttributes = 0)
    {
        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "telemetry-agent" } };
        for (var i = 0; i < lines; i++)
        {
            var record = new LogRecord { TimeUnixNano = 1_763_900_000_000_000_000UL + ((ulong)i * 1_000_003UL) };
            record.Attributes.Add(Attribute("http.request.method", "GET"));
            record.Attributes.Add(Attribute("url.path", $"{pathPrefix}/{i}"));
            record.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = 200 } });
            record.Attributes.Add(new KeyValue { Key = "http.response.body.size", Value = new AnyValue { IntValue = 512 + i } });
            scope.LogRecords.Add(record);
        }

        for (var i = 0; i < oversized; i++)
        {
            var record = new LogRecord { TimeUnixNano = 1_763_900_100_000_000_000UL + ((ulong)i * 1_000_003UL) };
            record.Attributes.Add(Attribute("url.path", $"{pathPrefix}/oversized/{i}"));
            for (var a = 1; a < oversizedAttributes; a++)
            {
                record.Attributes.Add(Attribute($"extra.{a}", "x"));
            }

            scope.LogRecords.Add(record);
        }

        var resource = new ResourceLogs { Resource = new Resource() };
        resource.Resource.Attributes.Add(Attribute("host.name", "web-tls-1"));
        resource.Resource.Attributes.Add(Attribute("service.name", "nginx"));
        resource.ScopeLogs.Add(scope);
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(resource);
        return request.ToByteArray();
    }

    public void Dispose() => _services.Dispose();

    private static KeyValue Attribute(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };
}
