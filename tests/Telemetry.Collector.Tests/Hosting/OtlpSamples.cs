using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Telemetry.Collector.Tests.Hosting;

/// <summary>Small OTLP requests for receiver tests.</summary>
public static class OtlpSamples
{
    public static ExportLogsServiceRequest Logs(int records = 2)
    {
        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "test" } };
        for (var i = 0; i < records; i++)
        {
            scope.LogRecords.Add(new LogRecord
            {
                TimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)i,
                SeverityNumber = SeverityNumber.Info,
                SeverityText = "INFO",
                Body = new AnyValue { StringValue = "GET /index.html \"quoted\" ü " + i },
                TraceId = ByteString.CopyFrom(Convert.FromHexString("5b8efff798038103d269b633813fc60c")),
                SpanId = ByteString.CopyFrom(Convert.FromHexString("eee19b7ec3c1b174")),
                Attributes =
                {
                    new KeyValue { Key = "http.request.method", Value = new AnyValue { StringValue = "GET" } },
                    new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = 200 } },
                },
            });
        }

        return new ExportLogsServiceRequest
        {
            ResourceLogs =
            {
                new ResourceLogs
                {
                    Resource = new Resource { Attributes = { new KeyValue { Key = "host.name", Value = new AnyValue { StringValue = "web-1" } } } },
                    ScopeLogs = { scope },
                },
            },
        };
    }

    public static ExportMetricsServiceRequest Metrics() => new()
    {
        ResourceMetrics =
        {
            new ResourceMetrics
            {
                ScopeMetrics =
                {
                    new ScopeMetrics
                    {
                        Metrics =
                        {
                            new Metric
                            {
                                Name = "system.cpu.utilization",
                                Gauge = new Gauge { DataPoints = { new NumberDataPoint { AsDouble = 0.25, TimeUnixNano = 1_700_000_000_000_000_000UL } } },
                            },
                        },
                    },
                },
            },
        },
    };

    public static byte[] LogsBytes(int records = 2) => Logs(records).ToByteArray();
}
