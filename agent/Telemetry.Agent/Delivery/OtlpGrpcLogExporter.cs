using Grpc.Core;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Logs.V1;
using Telemetry.Agent.Configuration;

namespace Telemetry.Agent.Delivery;

/// <summary>
/// Sends encoded <c>ExportLogsServiceRequest</c>s to the collector's <c>LogsService/Export</c> and returns
/// only with the collector's final answer. Every failed attempt goes through <see cref="OtlpRetryPolicy"/>:
/// transient failures and operator-fixable refusals are retried for as long as it takes (the lines wait in
/// their files; the caller's checkpoint does not move), an invalid batch is reported
/// <see cref="ExportAckStatus.Rejected"/>. Cancellation (agent shutdown) stops at once and throws
/// <see cref="OperationCanceledException"/>: nothing is acknowledged, the batch is re-read at next start.
/// A batch the collector stored but whose answer was lost is sent again; the agent's deterministic
/// timestamps make that replay land on the same InfluxDB points.
/// </summary>
public sealed class OtlpGrpcLogExporter : ILogExporter
{
    private readonly CallInvoker _invoker;
    private readonly CollectorOptions _options;
    private readonly OtlpBearerToken _token;
    private readonly IExportObserver _observer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public OtlpGrpcLogExporter(
        CallInvoker invoker,
        CollectorOptions options,
        OtlpBearerToken token,
        IExportObserver observer,
        TimeProvider time,
        ILogger<OtlpGrpcLogExporter> logger)
    {
        _invoker = invoker;
        _options = options;
        _token = token;
        _observer = observer;
        _time = time;
        _logger = logger;
    }

    public async Task<ExportAck> ExportAsync(ReadOnlyMemory<byte> request, int recordCount, CancellationToken cancellationToken)
    {
        using var compressed = _options.Gzip ? OtlpGzip.Compress(request.Span) : null;
        var body = compressed is null ? new OtlpEncodedRequest(request) : new OtlpEncodedRequest(compressed.WrittenMemory, gzip: true);
        var retry = 0; // for the backoff exponent, capped
        var retries = 0L; // for the logs, the true count
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = _time.GetTimestamp();
            using var deadline = new CancellationTokenSource(_options.Timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            StatusCode status;
            string message;
            Metadata? trailers = null;
            string? transportHint = null;
            try
            {
                using var call = _invoker.AsyncUnaryCall(
                    OtlpLogsMethod.Export,
                    host: null,
                    new CallOptions(cancellationToken: linked.Token),
                    body);
                var response = await call.ResponseAsync.ConfigureAwait(false);
                _observer.AttemptCompleted(StatusCode.OK, _time.GetElapsedTime(started));
                if (retries > 0)
                {
                    OtlpLog.CollectorRecovered(_logger, retries);
                }

                var ack = ToAck(response, recordCount);
                if (ack is { Status: ExportAckStatus.Accepted, Message: { } warning })
                {
                    OtlpLog.CollectorWarning(_logger, warning);
                }

                return ack;
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested
                                      && e is RpcException or OperationCanceledException)
            {
                throw new OperationCanceledException("Export cancelled: agent is stopping", e, cancellationToken);
            }
            catch (RpcException e)
            {
                status = e.StatusCode;
                message = Describe(e);
                trailers = e.Trailers;
                if (deadline.IsCancellationRequested && status == StatusCode.Cancelled)
                {
                    status = StatusCode.DeadlineExceeded;
                    message = "no answer within collector.timeout " + _options.Timeout;
                }
                else if (e.Status.DebugException is { } transportError)
                {
                    // The client made this status up from a transport exception (connection refused or reset,
                    // TLS handshake refused): no collector answered, so the batch is never given up.
                    status = StatusCode.Unavailable;
                    transportHint = TransportHint(transportError, OtlpGrpcChannelFactory.IsTls(_options));
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                status = StatusCode.DeadlineExceeded;
                message = "no answer within collector.timeout " + _options.Timeout;
            }

            _observer.AttemptCompleted(status, _time.GetElapsedTime(started));
            var serverDelay = OtlpRetryInfo.Read(trailers);
            var kind = transportHint is not null ? OtlpFailureKind.OperatorFixable : OtlpRetryPolicy.Classify(status, serverDelay is not null);
            if (kind == OtlpFailureKind.Permanent)
            {
                OtlpLog.BatchRejected(_logger, status, recordCount, message);
                return new ExportAck(ExportAckStatus.Rejected, recordCount, $"{status}: {message}");
            }

            if (status == StatusCode.Unauthenticated)
            {
                _token.Invalidate();
            }

            var delay = OtlpRetryPolicy.Delay(
                kind, retry, serverDelay, _options.InitialBackoff, _options.MaxBackoff, Random.Shared.NextDouble());
            _observer.RetryScheduled(status, kind, delay, message);
            if (kind == OtlpFailureKind.OperatorFixable)
            {
                OtlpLog.CollectorRefuses(_logger, status, message, delay, transportHint ?? Hint(status));
            }
            else
            {
                OtlpLog.CollectorUnreachable(_logger, status, message, delay, retries + 1);
            }

            retry = Math.Min(retry + 1, 64);
            retries++;
            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TaskCanceledException e)
            {
                throw new OperationCanceledException("Export cancelled: agent is stopping", e, cancellationToken);
            }
        }
    }

    internal static ExportAck ToAck(ExportLogsServiceResponse response, int recordCount)
    {
        var partial = response.PartialSuccess;
        if (partial is null)
        {
            return new ExportAck(ExportAckStatus.Accepted);
        }

        var text = string.IsNullOrEmpty(partial.ErrorMessage) ? null : partial.ErrorMessage;
        if (partial.RejectedLogRecords > 0)
        {
            return new ExportAck(
                ExportAckStatus.PartiallyAccepted, Math.Min(partial.RejectedLogRecords, (long)recordCount), text);
        }

        // rejected_log_records == 0 with a message is a warning from the collector: all were stored.
        return new ExportAck(ExportAckStatus.Accepted, 0, text);
    }

    private static string Describe(RpcException e)
    {
        var detail = e.Status.Detail;
        var inner = e.Status.DebugException;
        while (inner?.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner is null || detail.Contains(inner.Message, StringComparison.Ordinal)
            ? detail
            : detail + " (" + inner.Message + ")";
    }

    /// <summary>
    /// Part of SocketsHttpHandler's "server did not complete the HTTP/2 handshake" message. One of its shapes
    /// carries no distinguishing <see cref="HttpRequestError"/>; the .NET runtime ships these messages in
    /// English only. A miss only means the failure is retried as an outage (warning, backoff with jitter).
    /// </summary>
    private const string Http2HandshakeText = "HTTP/2 handshake";

    private const string TlsHint =
        "TLS with the collector failed: check collector.ca_file, the names in the collector's certificate, client_cert_file/client_key_file";

    private const string ClosedAfterTlsHint =
        "the collector closed the connection right after the TLS handshake: it requires a client certificate "
        + "(set collector.client_cert_file/client_key_file) or refused the one sent (it must be issued by the "
        + "collector's receiver.tls.client_ca_file, unexpired, for client authentication)";

    private const string NotH2cHint =
        "collector.endpoint does not speak gRPC over plain-text HTTP/2: if the collector listens with TLS "
        + "(receiver.tls), use https:// with collector.ca_file";

    /// <summary>
    /// A hint when a transport failure is a configuration problem rather than an outage: a refused TLS
    /// handshake, or a server that accepted the connection but closed it before the HTTP/2 handshake
    /// completed. With TLS 1.3 the latter is how a collector refuses a missing or untrusted client
    /// certificate (its verdict comes after the client's handshake is done, so the client sees no TLS
    /// error); over plain text it is a TLS or HTTP/1.1-only listener. Null for an outage (refused, reset,
    /// timed out), which stays transient.
    /// </summary>
    internal static string? TransportHint(Exception error, bool tls)
    {
        var http2HandshakeFailed = false;
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException)
            {
                return TlsHint;
            }

            if (e is HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse }
                or HttpIOException { HttpRequestError: HttpRequestError.InvalidResponse }
                || (e is IOException && e.InnerException is ObjectDisposedException { ObjectName: "System.Net.Security.SslStream" })
                || (e is HttpRequestException or IOException && e.Message.Contains(Http2HandshakeText, StringComparison.Ordinal)))
            {
                http2HandshakeFailed = true;
            }
        }

        return http2HandshakeFailed ? (tls ? ClosedAfterTlsHint : NotH2cHint) : null;
    }

    private static string Hint(StatusCode status) => status switch
    {
        StatusCode.Unauthenticated => "check collector.bearer_token / bearer_token_file against the collector's receiver.auth",
        StatusCode.PermissionDenied => "the collector refuses this agent's token or client certificate",
        StatusCode.Unimplemented or StatusCode.NotFound => "collector.endpoint does not serve OTLP LogsService; check host and port",
        StatusCode.ResourceExhausted => "the batch is larger than the collector accepts: lower batch.max_bytes or raise receiver.max_request_bytes",
        _ => "check the collector section of the agent configuration",
    };
}
