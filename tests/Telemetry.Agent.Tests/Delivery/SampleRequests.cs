using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Telemetry.Agent.Tests.Delivery;

internal static class SampleRequests
{
    /// <summary>An encoded ExportLogsServiceRequest with <paramref name="records"/> access-log records.</summary>
    public static byte[] Logs(int records, string path = "/index.html")
    {
        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "telemetry-agent" } };
        for (var i = 0; i < records; i++)
        {
            var record = new LogRecord { TimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)i, Body = new AnyValue { StringValue = $"GET {path}?n={i}" } };
            record.Attributes.Add(new KeyValue { Key = "url.path", Value = new AnyValue { StringValue = path } });
            record.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = 200 } });
            scope.LogRecords.Add(record);
        }

        var resource = new ResourceLogs { Resource = new Resource() };
        resource.Resource.Attributes.Add(new KeyValue { Key = "host.name", Value = new AnyValue { StringValue = "web-1" } });
        resource.ScopeLogs.Add(scope);
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(resource);
        return request.ToByteArray();
    }
}
