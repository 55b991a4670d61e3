using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Telemetry.Collector.Configuration;

namespace Telemetry.Collector.Receiving;

/// <summary>
/// <c>opentelemetry.proto.collector.logs.v1.LogsService/Export</c> and
/// <c>opentelemetry.proto.collector.metrics.v1.MetricsService/Export</c> on raw bytes: the request body
/// goes to the pipeline as received (no Google.Protobuf object tree); failures are answered through
/// <see cref="ExportAnswers"/> with <c>google.rpc.Status</c> (and RetryInfo) in <c>grpc-status-details-bin</c>.
/// Grpc.AspNetCore caps the message as received at <c>receiver.max_request_bytes</c>; a gzip-compressed
/// message arrives still compressed (see <see cref="GzipPassThroughCompressionProvider"/>) and is inflated
/// here after the token check, under <c>receiver.max_decompressed_bytes</c>.
/// </summary>
public sealed class OtlpGrpcService
{
    private const string Protocol = "grpc";

    private readonly ExportDispatcher _dispatcher;
    private readonly BearerTokenAuthenticator _authenticator;
    private readonly int _maxDecompressedBytes;
    private readonly TimeProvider _time;

    public OtlpGrpcService(ExportDispatcher dispatcher, BearerTokenAuthenticator authenticator, IOptions<ReceiverOptions> options, TimeProvider time)
    {
        _dispatcher = dispatcher;
        _authenticator = authenticator;
        _maxDecompressedBytes = options.Value.MaxDecompressedBytes;
        _time = time;
    }

    public Task<byte[]> ExportLogs(RequestPayload request, ServerCallContext context) => ExportAsync(OtlpSignal.Logs, request, context);

    public Task<byte[]> ExportMetrics(RequestPayload request, ServerCallContext context) => ExportAsync(OtlpSignal.Metrics, request, context);

    private async Task<byte[]> ExportAsync(OtlpSignal signal, RequestPayload request, ServerCallContext context)
    {
        var started = _time.GetTimestamp();
        using (request)
        {
            ExportAnswer answer;
            if (!_authenticator.IsAuthorized(context.RequestHeaders.GetValue("authorization")))
            {
                answer = ExportAnswers.Unauthenticated;
            }
            else if (!request.IsGzip)
            {
                answer = await _dispatcher.ExportAsync(signal, request.Memory, context.CancellationToken);
            }
            else
            {
                answer = await InflateAndExportAsync(signal, request, context.CancellationToken);
            }

            _dispatcher.Record(Protocol, signal, context.Peer, answer, request.Length, _time.GetElapsedTime(started));
            if (answer.IsSuccess)
            {
                return ExportResponseEncoder.ResponseBytes(signal, answer);
            }

            throw Failure(answer);
        }
    }

    private async Task<ExportAnswer> InflateAndExportAsync(OtlpSignal signal, RequestPayload request, CancellationToken cancellationToken)
    {
        var (inflated, refusal) = PayloadInflater.Inflate(request.Memory, ContentCoding.Gzip, _maxDecompressedBytes);
        if (refusal is { } refused)
        {
            return refused;
        }

        using (inflated)
        {
            return await _dispatcher.ExportAsync(signal, inflated!.WrittenMemory, cancellationToken);
        }
    }

    /// <summary>The RpcException carrying <paramref name="answer"/>'s status and its google.rpc.Status details.</summary>
    public static RpcException Failure(in ExportAnswer answer)
    {
        Debug.Assert(!answer.IsSuccess, "only failures are thrown");
        var trailers = new Metadata
        {
            { "grpc-status-details-bin", ExportResponseEncoder.Status(answer).ToByteArray() },
        };
        return new RpcException(new Status(answer.GrpcStatus, answer.Message ?? string.Empty), trailers);
    }
}
