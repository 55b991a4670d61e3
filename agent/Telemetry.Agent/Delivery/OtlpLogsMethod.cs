using Grpc.Core;
using OpenTelemetry.Proto.Collector.Logs.V1;

namespace Telemetry.Agent.Delivery;

/// <summary>
/// <c>LogsService/Export</c> with a request marshaller that writes the already-encoded
/// <c>ExportLogsServiceRequest</c> bytes as they are: the batcher encodes once, nothing re-serializes.
/// The agent sends through <see cref="OtlpHttpCallInvoker"/>, which writes the bytes itself; the marshaller
/// serves any other <see cref="CallInvoker"/> (uncompressed bodies only: a marshaller cannot set the gRPC
/// compressed flag).
/// </summary>
public static class OtlpLogsMethod
{
    public static readonly Method<OtlpEncodedRequest, ExportLogsServiceResponse> Export = new(
        MethodType.Unary,
        "opentelemetry.proto.collector.logs.v1.LogsService",
        "Export",
        new Marshaller<OtlpEncodedRequest>(WriteRequest, ReadRequest),
        new Marshaller<ExportLogsServiceResponse>(WriteResponse, ReadResponse));

    private static void WriteRequest(OtlpEncodedRequest request, SerializationContext context)
    {
        if (request.Gzip)
        {
            throw new NotSupportedException("a gzipped OtlpEncodedRequest needs OtlpHttpCallInvoker");
        }

        var bytes = request.Bytes.Span;
        context.SetPayloadLength(bytes.Length);
        var writer = context.GetBufferWriter();
        bytes.CopyTo(writer.GetSpan(bytes.Length));
        writer.Advance(bytes.Length);
        context.Complete();
    }

    private static OtlpEncodedRequest ReadRequest(DeserializationContext context) =>
        new(System.Buffers.BuffersExtensions.ToArray(context.PayloadAsReadOnlySequence()));

    private static void WriteResponse(ExportLogsServiceResponse response, SerializationContext context) =>
        context.Complete(Google.Protobuf.MessageExtensions.ToByteArray(response));

    private static ExportLogsServiceResponse ReadResponse(DeserializationContext context) =>
        ExportLogsServiceResponse.Parser.ParseFrom(context.PayloadAsReadOnlySequence());
}
