using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.Delivery;
using Telemetry.Agent.Resources;

namespace Telemetry.Agent.Observability;

/// <summary>
/// The OpenTelemetry <c>MeterProvider</c> of the agent: the meters <c>Telemetry.Agent</c> (self-telemetry),
/// <c>Telemetry.Agent.Requests</c> (request aggregates) and <c>Telemetry.Agent.Host</c> (host metrics), exported
/// by the SDK's OTLP exporter over gRPC to <c>collector.endpoint</c> every <c>collector.metrics_interval</c>, with
/// DELTA temporality (the collector writes each interval's increase; an agent restart does not produce a
/// negative step). The exporter's HttpClient uses the same TLS trust, client certificate and bearer token as
/// the log exporter (<see cref="OtlpGrpcChannelFactory.CreateHandler"/>), but no HTTP/2 keep-alive pings: a
/// connection that exports every interval finds out it is dead from the export's own timeout, and the pings'
/// heart-beat timer would wake an idle agent every 2.5 s. The resource is
/// <see cref="HostResource"/>, the same host identity the log records carry.
/// </summary>
public static class AgentTelemetry
{
    public static readonly string[] MeterNames = ["Telemetry.Agent", "Telemetry.Agent.Requests", "Telemetry.Agent.Host"];

    /// <summary>Options name of the agent's OTLP metric exporter.</summary>
    public const string ExporterName = "telemetry-agent";

    public static IServiceCollection AddAgentMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddAttributes(HostResource.Detect().Attributes))
            .WithMetrics(metrics => metrics
                .AddMeter(MeterNames)
                .AddOtlpExporter(ExporterName, static (_, _) => { }));

        services.AddOptions<OtlpExporterOptions>(ExporterName)
            .Configure<IOptions<CollectorOptions>, OtlpBearerToken>(static (exporter, collector, token) =>
            {
                var options = collector.Value;
                exporter.Protocol = OtlpExportProtocol.Grpc;
                exporter.Endpoint = new Uri(options.Endpoint);
                exporter.TimeoutMilliseconds = (int)Math.Min(options.Timeout.TotalMilliseconds, int.MaxValue);
                exporter.HttpClientFactory = () =>
                    new HttpClient(CreateHandlerChain(options, token), disposeHandler: true)
                    {
                        Timeout = Timeout.InfiniteTimeSpan,
                    };
            });

        services.AddOptions<MetricReaderOptions>(ExporterName)
            .Configure<IOptions<CollectorOptions>>(static (reader, collector) =>
            {
                var interval = (int)Math.Min(collector.Value.MetricsInterval.TotalMilliseconds, int.MaxValue);
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Delta;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
                reader.PeriodicExportingMetricReaderOptions.ExportTimeoutMilliseconds =
                    (int)Math.Min(collector.Value.Timeout.TotalMilliseconds, int.MaxValue);
            });

        return services;
    }

    /// <summary>The log exporter's transport and bearer token, without keep-alive pings.</summary>
    internal static HttpMessageHandler CreateHandlerChain(CollectorOptions options, OtlpBearerToken token)
    {
        var handler = OtlpGrpcChannelFactory.CreateHandler(options);
        handler.KeepAlivePingDelay = Timeout.InfiniteTimeSpan;
        handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests;
        return new OtlpBearerTokenHandler(token, plainText: !OtlpGrpcChannelFactory.IsTls(options), handler);
    }
}
