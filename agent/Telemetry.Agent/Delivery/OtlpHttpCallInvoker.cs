using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;

namespace Telemetry.Agent.Delivery;

/// <summary>
/// gRPC unary calls over the agent's HTTP/2 handler chain, for requests that are already encoded
/// (<see cref="OtlpEncodedRequest"/>, gzipped or not): the 5-byte gRPC frame header and the caller's bytes are
/// written straight to the HTTP/2 stream. Grpc.Net.Client re-buffers every request (a new payload-sized
/// array per call, and with compression a growing MemoryStream plus a pooled copy), which made up most of
/// the agent's memory under load; here a request costs no allocation proportional to its size.
/// <para>Statuses follow the gRPC HTTP/2 protocol: <c>grpc-status</c>/<c>grpc-message</c> from the trailers
/// (or from the headers of a trailers-only answer), binary trailers (<c>grpc-status-details-bin</c>, read
/// for RetryInfo) base64-decoded into <see cref="Metadata"/>. A failure with no collector verdict (connection
/// refused or reset, HTTP/2 handshake refused, stream reset) is UNAVAILABLE with the transport exception as
/// <see cref="Status.DebugException"/>; the caller's cancellation is CANCELLED. An HTTP answer without
/// <c>grpc-status</c> (a proxy, a wrong endpoint) maps 401/403/404 to UNAUTHENTICATED/PERMISSION_DENIED/
/// UNIMPLEMENTED and everything else to UNAVAILABLE: only the collector's own verdict can drop a batch.</para>
/// </summary>
public sealed class OtlpHttpCallInvoker : CallInvoker, IDisposable
{
    /// <summary>Largest response message read (an ExportLogsServiceResponse is a few bytes).</summary>
    public const int MaxResponseBytes = 4 * 1024 * 1024;

    private static readonly MediaTypeHeaderValue GrpcContentType = new("application/grpc");
    private static readonly ProductInfoHeaderValue UserAgent = new("telemetry-agent", typeof(OtlpHttpCallInvoker).Assembly.GetName().Version?.ToString(3) ?? "0");

    private readonly HttpMessageInvoker _http;
    private readonly Uri _endpoint;

    /// <param name="handler">The handler chain (TLS, bearer token); disposed with the invoker.</param>
    /// <param name="endpoint">The collector's base address, <c>https://host:4317</c>.</param>
    public OtlpHttpCallInvoker(HttpMessageHandler handler, string endpoint)
    {
        _http = new HttpMessageInvoker(handler, disposeHandler: true);
        _endpoint = new Uri(endpoint, UriKind.Absolute);
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        if (request is not OtlpEncodedRequest body)
        {
            throw new NotSupportedException($"{nameof(OtlpHttpCallInvoker)} sends {nameof(OtlpEncodedRequest)} bodies only");
        }

        var call = new UnaryCall();
        var response = call.RunAsync(_http, new Uri(_endpoint, method.FullName), options, body, method.ResponseMarshaller);
        return new AsyncUnaryCall<TResponse>(
            response, call.Headers.Task, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    public void Dispose() => _http.Dispose();

    /// <summary>gRPC status for an HTTP answer that carries none (see the class remarks).</summary>
    internal static StatusCode FromHttpStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
        HttpStatusCode.NotFound => StatusCode.Unimplemented,
        _ => StatusCode.Unavailable,
    };

    /// <summary>Trailers (or trailers-only headers) as gRPC metadata; <c>-bin</c> values base64-decoded.</summary>
    internal static Metadata ToMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var header in headers)
        {
            var key = header.Key.ToLowerInvariant();
            if (!IsMetadataKey(key))
            {
                continue;
            }

            foreach (var value in header.Value)
            {
                if (key.EndsWith(Metadata.BinaryHeaderSuffix, StringComparison.Ordinal))
                {
                    if (DecodeBase64(value) is { } bytes)
                    {
                        metadata.Add(key, bytes);
                    }
                }
                else
                {
                    metadata.Add(key, value);
                }
            }
        }

        return metadata;
    }

    /// <summary>Reads one gRPC message frame from the response body (the whole body, bounded).</summary>
    internal static async Task<byte[]> ReadMessageAsync(Stream body, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        var got = await body.ReadAtLeastAsync(header, 5, throwOnEndOfStream: false, cancellationToken);
        if (got < 5)
        {
            throw new RpcException(new Status(StatusCode.Internal, got == 0
                ? "the collector answered OK without a response message"
                : "the collector's response message is truncated"));
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        if (length > MaxResponseBytes)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"response message of {length} bytes exceeds {MaxResponseBytes}"));
        }

        var message = new byte[length];
        if (await body.ReadAtLeastAsync(message, message.Length, throwOnEndOfStream: false, cancellationToken) < message.Length)
        {
            throw new RpcException(new Status(StatusCode.Internal, "the collector's response message is truncated"));
        }

        if (header[0] == 1)
        {
            // grpc-accept-encoding: identity is sent, so a conforming server never compresses; accept gzip anyway.
            using var input = new MemoryStream(message);
            using var gzip = new System.IO.Compression.GZipStream(input, System.IO.Compression.CompressionMode.Decompress);
            using var output = new MemoryStream();
            await gzip.CopyToAsync(output, cancellationToken);
            message = output.ToArray();
        }

        // Drain to the end so that the trailers arrive.
        var rest = ArrayPool<byte>.Shared.Rent(256);
        try
        {
            while (await body.ReadAsync(rest, cancellationToken) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rest);
        }

        return message;
    }

    private static bool IsMetadataKey(string key)
    {
        if (key.Length == 0 || key.StartsWith(':') || key is "content-type" or "te" or "grpc-status" or "grpc-message" or "content-length")
        {
            return false;
        }

        foreach (var c in key)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static byte[]? DecodeBase64(string value)
    {
        // gRPC sends binary metadata unpadded; Convert wants padding.
        var padded = (value.Length % 4) switch
        {
            2 => value + "==",
            3 => value + "=",
            _ => value,
        };
        var bytes = new byte[padded.Length / 4 * 3];
        return Convert.TryFromBase64String(padded, bytes, out var written) ? bytes.AsSpan(0, written).ToArray() : null;
    }

    private static string? First(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>One call: its HTTP exchange, and the status and trailers the call API asks for afterwards.</summary>
    private sealed class UnaryCall : IDisposable
    {
        private readonly CancellationTokenSource _disposed = new();
        private int _disposeCount;
        private Status _status;
        private Metadata _trailers = [];

        public TaskCompletionSource<Metadata> Headers { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Status GetStatus() => _status;

        public Metadata GetTrailers() => _trailers;

        public void Dispose()
        {
            if (Interlocked.Increment(ref _disposeCount) != 1)
            {
                return;
            }

            _disposed.Cancel();
            _disposed.Dispose();
        }

        public async Task<TResponse> RunAsync<TResponse>(
            HttpMessageInvoker http, Uri uri, CallOptions options, OtlpEncodedRequest body, Marshaller<TResponse> marshaller)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, _disposed.Token);
            var cancellationToken = linked.Token;
            try
            {
                var response = await ExchangeAsync(http, uri, options, body, cancellationToken);
                _status = Status.DefaultSuccess;
                return marshaller.ContextualDeserializer(new ResponseContext(response));
            }
            catch (RpcException e)
            {
                Fail(e.Status, e.Trailers);
                throw;
            }
            catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
            {
                var status = new Status(StatusCode.Cancelled, "Call canceled by the client.", e);
                Fail(status, []);
                throw new RpcException(status);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                // No verdict from the collector: connection refused or reset, handshake refused, stream reset.
                var status = new Status(StatusCode.Unavailable, "Error talking to the collector. " + e.GetType().Name + ": " + e.Message, e);
                Fail(status, []);
                throw new RpcException(status);
            }
        }

        private void Fail(Status status, Metadata trailers)
        {
            _status = status;
            _trailers = trailers;
            Headers.TrySetResult([]);
        }

        private async Task<byte[]> ExchangeAsync(
            HttpMessageInvoker http, Uri uri, CallOptions options, OtlpEncodedRequest body, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri)
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = new OtlpRequestContent(body, GrpcContentType),
            };
            request.Headers.TransferEncodingChunked = false;
            request.Headers.TryAddWithoutValidation("te", "trailers");
            request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity");
            request.Headers.UserAgent.Add(UserAgent);
            if (body.Gzip)
            {
                request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
            }

            if (options.Headers is { } headers)
            {
                foreach (var entry in headers)
                {
                    request.Headers.TryAddWithoutValidation(entry.Key, entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value);
                }
            }

            using var response = await http.SendAsync(request, cancellationToken);
            Headers.TrySetResult(ToMetadata(response.Headers));
            if (First(response.Headers, "grpc-status") is { } headerStatus)
            {
                // Trailers-only answer: the status is in the headers, there is no message.
                var status = ParseStatus(headerStatus, First(response.Headers, "grpc-message"));
                throw new RpcException(status, ToMetadata(response.Headers));
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new RpcException(new Status(
                    FromHttpStatus(response.StatusCode),
                    $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}"));
            }

            var contentType = response.Content.Headers.ContentType?.MediaType;
            if (contentType is null || !contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
            {
                throw new RpcException(new Status(
                    StatusCode.Unimplemented, $"Bad gRPC response. Invalid content-type value: {contentType}"));
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            byte[]? message = null;
            RpcException? messageError = null;
            try
            {
                message = await ReadMessageAsync(stream, cancellationToken);
            }
            catch (RpcException e)
            {
                // The trailers' status, when not OK, explains the missing message better.
                messageError = e;
                await DrainAsync(stream, cancellationToken);
            }

            var trailers = response.TrailingHeaders;
            if (First(trailers, "grpc-status") is not { } trailerStatus)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "the collector's answer ended without grpc-status"));
            }

            var final = ParseStatus(trailerStatus, First(trailers, "grpc-message"));
            if (final.StatusCode != StatusCode.OK)
            {
                throw new RpcException(final, ToMetadata(trailers));
            }

            return message ?? throw messageError!;
        }

        private static async Task DrainAsync(Stream stream, CancellationToken cancellationToken)
        {
            var rest = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                while (await stream.ReadAsync(rest, cancellationToken) > 0)
                {
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rest);
            }
        }

        private static Status ParseStatus(string code, string? message)
        {
            var status = int.TryParse(code, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
                ? (StatusCode)value
                : StatusCode.Unknown;
            return new Status(status, message is null ? "" : Uri.UnescapeDataString(message));
        }
    }

    /// <summary>A received message for the response marshaller.</summary>
    private sealed class ResponseContext(byte[] payload) : DeserializationContext
    {
        public override int PayloadLength => payload.Length;

        public override byte[] PayloadAsNewBuffer() => payload;

        public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(payload);
    }
}
