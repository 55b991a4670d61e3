using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Telemetry.Collector.Pipeline;

namespace Telemetry.Collector.Receiving;

/// <summary>
/// The one table that turns what happened to an Export into a gRPC status and an OTLP/HTTP status,
/// following the OTLP specification ("Failures", "Throttling"). Both receivers use it, so the two
/// protocols can never disagree:
/// <code>
/// outcome            gRPC                               HTTP
/// ok                 OK                                 200
/// partial            OK + partial_success               200 + partial_success
/// invalid            INVALID_ARGUMENT                   400
/// unavailable        UNAVAILABLE + RetryInfo            503 + Retry-After
/// overloaded         RESOURCE_EXHAUSTED + RetryInfo     429 + Retry-After
/// too_large          RESOURCE_EXHAUSTED (no RetryInfo)  413
/// unauthenticated    UNAUTHENTICATED                    401
/// unsupported_media  INVALID_ARGUMENT                   415
/// </code>
/// RESOURCE_EXHAUSTED without RetryInfo is not retryable under the OTLP rules, which is what a too-large
/// request needs: sending it again cannot succeed.
/// </summary>
public static class ExportAnswers
{
    /// <summary>Used when the pipeline asks for a retry without saying when.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);

    public static ExportAnswer From(in ExportResult result) => result.Status switch
    {
        ExportStatus.Ok when result.Rejected > 0 || !string.IsNullOrEmpty(result.Message) =>
            new(StatusCode.OK, StatusCodes.Status200OK, "partial", result.Message ?? string.Empty, result.Rejected),
        ExportStatus.Ok => new(StatusCode.OK, StatusCodes.Status200OK, "ok"),
        ExportStatus.InvalidArgument => Invalid(result.Message ?? "invalid request"),
        ExportStatus.Unavailable => new(StatusCode.Unavailable, StatusCodes.Status503ServiceUnavailable, "unavailable",
            result.Message ?? "storage unavailable", 0, result.RetryAfter ?? DefaultRetryAfter),
        ExportStatus.ResourceExhausted => new(StatusCode.ResourceExhausted, StatusCodes.Status429TooManyRequests, "overloaded",
            result.Message ?? "collector overloaded", 0, result.RetryAfter ?? DefaultRetryAfter),
        _ => new(StatusCode.Internal, StatusCodes.Status500InternalServerError, "internal", "unknown export status"),
    };

    public static ExportAnswer Invalid(string message) =>
        new(StatusCode.InvalidArgument, StatusCodes.Status400BadRequest, "invalid", message);

    public static ExportAnswer TooLarge(string message) =>
        new(StatusCode.ResourceExhausted, StatusCodes.Status413PayloadTooLarge, "too_large", message);

    public static ExportAnswer Unauthenticated { get; } =
        new(StatusCode.Unauthenticated, StatusCodes.Status401Unauthorized, "unauthenticated", "missing or invalid bearer token");

    public static ExportAnswer UnsupportedMediaType(string message) =>
        new(StatusCode.InvalidArgument, StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", message);

    /// <summary>The request was abandoned by the client (gRPC CANCELLED; HTTP 499 is only logged, nobody reads it).</summary>
    public static ExportAnswer Cancelled { get; } =
        new(StatusCode.Cancelled, 499, "cancelled", "request cancelled by the client");
}
