using System.Buffers;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Telemetry.Collector.Receiving;

/// <summary>Binds the two OTLP Export methods to <see cref="OtlpGrpcService"/> with byte marshallers, so
/// Grpc.AspNetCore hands over the message bytes instead of a parsed object.</summary>
public sealed class OtlpGrpcMethodProvider : IServiceMethodProvider<OtlpGrpcService>
{
    public const string LogsService = "opentelemetry.proto.collector.logs.v1.LogsService";
    public const string MetricsService = "opentelemetry.proto.collector.metrics.v1.MetricsService";

    private static readonly Marshaller<RequestPayload> RequestMarshaller = new(
        static (_, _) => throw new NotSupportedException("requests are only received"),
        static context => RequestPayload.FromGrpcMessage(context.PayloadAsReadOnlySequence()));

    private static readonly Marshaller<byte[]> ResponseMarshaller = new(
        static (bytes, context) => context.Complete(bytes),
        static context => context.PayloadAsNewBuffer());

    public static Method<RequestPayload, byte[]> LogsExport { get; } =
        new(MethodType.Unary, LogsService, "Export", RequestMarshaller, ResponseMarshaller);

    public static Method<RequestPayload, byte[]> MetricsExport { get; } =
        new(MethodType.Unary, MetricsService, "Export", RequestMarshaller, ResponseMarshaller);

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpGrpcService> context)
    {
        context.AddUnaryMethod(LogsExport, [], static (service, request, call) => service.ExportLogs(request, call));
        context.AddUnaryMethod(MetricsExport, [], static (service, request, call) => service.ExportMetrics(request, call));
    }
}
