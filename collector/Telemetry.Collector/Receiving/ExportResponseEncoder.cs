using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;

namespace Telemetry.Collector.Receiving;

/// <summary>Encodes answers as OTLP response messages (success) and <c>google.rpc.Status</c> (failure), in
/// protobuf or OTLP/JSON.</summary>
public static class ExportResponseEncoder
{
    private static readonly byte[] EmptyMessage = [];

    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default
        .WithTypeRegistry(TypeRegistry.FromMessages(RetryInfo.Descriptor)));

    /// <summary>The Export*ServiceResponse message for a successful (possibly partial) answer.</summary>
    public static IMessage Response(OtlpSignal signal, in ExportAnswer answer)
    {
        var partial = answer.Rejected > 0 || !string.IsNullOrEmpty(answer.Message);
        if (signal == OtlpSignal.Logs)
        {
            var logs = new ExportLogsServiceResponse();
            if (partial)
            {
                logs.PartialSuccess = new ExportLogsPartialSuccess { RejectedLogRecords = answer.Rejected, ErrorMessage = answer.Message ?? string.Empty };
            }

            return logs;
        }

        var metrics = new ExportMetricsServiceResponse();
        if (partial)
        {
            metrics.PartialSuccess = new ExportMetricsPartialSuccess { RejectedDataPoints = answer.Rejected, ErrorMessage = answer.Message ?? string.Empty };
        }

        return metrics;
    }

    /// <summary>Protobuf bytes of <see cref="Response"/>; the plain success is zero bytes.</summary>
    public static byte[] ResponseBytes(OtlpSignal signal, in ExportAnswer answer) =>
        answer.Rejected == 0 && string.IsNullOrEmpty(answer.Message) ? EmptyMessage : Response(signal, answer).ToByteArray();

    /// <summary>The <c>google.rpc.Status</c> of a failed answer, with RetryInfo when the client should retry later.</summary>
    public static Google.Rpc.Status Status(in ExportAnswer answer)
    {
        var status = new Google.Rpc.Status { Code = (int)answer.GrpcStatus, Message = answer.Message ?? string.Empty };
        if (answer.RetryAfter is { } retryAfter)
        {
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) }));
        }

        return status;
    }

    public static string ToJson(IMessage message) => Json.Format(message);
}
