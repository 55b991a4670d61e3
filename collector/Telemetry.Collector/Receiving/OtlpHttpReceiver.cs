using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Telemetry.Collector.Configuration;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Receiving;

/// <summary>
/// OTLP/HTTP: <c>POST /v1/logs</c> and <c>POST /v1/metrics</c> with <c>application/x-protobuf</c> or
/// <c>application/json</c>, optionally <c>Content-Encoding: gzip|deflate</c>. Order of checks: token,
/// media type, encoding, size, decompression, decoding (JSON only; protobuf goes to the pipeline as
/// received). Answers come from <see cref="ExportAnswers"/>; the body is the OTLP response (success) or
/// <c>google.rpc.Status</c> (failure) in the request's encoding.
/// </summary>
public sealed class OtlpHttpReceiver
{
    private const string Protocol = "http";
    private const string ProtobufType = "application/x-protobuf";
    private const string JsonType = "application/json";

    private readonly ExportDispatcher _dispatcher;
    private readonly BearerTokenAuthenticator _authenticator;
    private readonly ReceiverOptions _options;
    private readonly TimeProvider _time;

    public OtlpHttpReceiver(ExportDispatcher dispatcher, BearerTokenAuthenticator authenticator, IOptions<ReceiverOptions> options, TimeProvider time)
    {
        _dispatcher = dispatcher;
        _authenticator = authenticator;
        _options = options.Value;
        _time = time;
    }

    public Task HandleLogsAsync(HttpContext context) => HandleAsync(context, OtlpSignal.Logs);

    public Task HandleMetricsAsync(HttpContext context) => HandleAsync(context, OtlpSignal.Metrics);

    private async Task HandleAsync(HttpContext context, OtlpSignal signal)
    {
        var started = _time.GetTimestamp();
        var request = context.Request;
        var json = IsJson(request.ContentType);
        long bodyBytes = 0;
        var answer = await AnswerAsync(context, signal, json, b => bodyBytes = b);
        _dispatcher.Record(Protocol, signal, context.Connection.RemoteIpAddress?.ToString(), answer, bodyBytes, _time.GetElapsedTime(started));
        if (answer.GrpcStatus == Grpc.Core.StatusCode.Cancelled && context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        await WriteAnswerAsync(context, signal, answer, json);
    }

    private async ValueTask<ExportAnswer> AnswerAsync(HttpContext context, OtlpSignal signal, bool json, Action<long> bodySize)
    {
        var request = context.Request;
        if (!_authenticator.IsAuthorized(request.Headers.Authorization))
        {
            return ExportAnswers.Unauthenticated;
        }

        if (!json && !IsProtobuf(request.ContentType))
        {
            return ExportAnswers.UnsupportedMediaType(
                $"content type '{request.ContentType}' is not supported; use {ProtobufType} or {JsonType}");
        }

        if (!TryGetCoding(request.Headers.ContentEncoding, out var coding))
        {
            return ExportAnswers.UnsupportedMediaType(
                $"content encoding '{request.Headers.ContentEncoding}' is not supported; use gzip, deflate or none");
        }

        var (raw, refusal) = await RequestBodyReader.ReadAsync(request, _options.MaxRequestBytes, context.RequestAborted);
        if (refusal is { } tooLarge)
        {
            return tooLarge;
        }

        var body = raw!;
        try
        {
            bodySize(body.Length);
            if (coding != ContentCoding.Identity)
            {
                var (inflated, inflateRefusal) = PayloadInflater.Inflate(body.WrittenMemory, coding, _options.MaxDecompressedBytes);
                if (inflateRefusal is { } bad)
                {
                    return bad;
                }

                body.Dispose();
                body = inflated!;
            }

            if (!json)
            {
                return await _dispatcher.ExportAsync(signal, body.WrittenMemory, context.RequestAborted);
            }

            var (protobuf, error) = OtlpJsonTranscoder.Transcode(signal, body.WrittenSpan);
            if (error is not null)
            {
                return ExportAnswers.Invalid(error);
            }

            return await _dispatcher.ExportAsync(signal, protobuf, context.RequestAborted);
        }
        finally
        {
            body.Dispose();
        }
    }

    private static async Task WriteAnswerAsync(HttpContext context, OtlpSignal signal, ExportAnswer answer, bool json)
    {
        var response = context.Response;
        response.StatusCode = answer.HttpStatus;
        if (answer.RetryAfter is not null)
        {
            response.Headers.RetryAfter = answer.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (answer.HttpStatus == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        IMessage message = answer.IsSuccess ? ExportResponseEncoder.Response(signal, answer) : ExportResponseEncoder.Status(answer);
        if (json)
        {
            response.ContentType = JsonType;
            await response.WriteAsync(ExportResponseEncoder.ToJson(message), context.RequestAborted);
        }
        else
        {
            response.ContentType = ProtobufType;
            var bytes = message.ToByteArray();
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }

    private static bool IsJson(string? contentType) => MediaTypeIs(contentType, JsonType);

    private static bool IsProtobuf(string? contentType) =>
        MediaTypeIs(contentType, ProtobufType) || MediaTypeIs(contentType, "application/protobuf");

    private static bool MediaTypeIs(string? contentType, string expected) =>
        contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType.Equals(expected, StringComparison.OrdinalIgnoreCase);

    private static bool TryGetCoding(Microsoft.Extensions.Primitives.StringValues header, out ContentCoding coding)
    {
        coding = ContentCoding.Identity;
        if (header.Count == 0)
        {
            return true;
        }

        if (header.Count > 1)
        {
            return false;
        }

        var value = header[0]!.Trim();
        if (value.Length == 0 || value.Equals("identity", StringComparison.OrdinalIgnoreCase) || value.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || value.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
        {
            coding = ContentCoding.Gzip;
            return true;
        }

        if (value.Equals("deflate", StringComparison.OrdinalIgnoreCase))
        {
            coding = ContentCoding.Deflate;
            return true;
        }

        return false;
    }
}
