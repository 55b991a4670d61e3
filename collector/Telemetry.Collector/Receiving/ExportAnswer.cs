using Grpc.Core;

namespace Telemetry.Collector.Receiving;

/// <summary>How one Export is answered, in both protocols. Built only by <see cref="ExportAnswers"/>.</summary>
/// <param name="GrpcStatus">The gRPC status code.</param>
/// <param name="HttpStatus">The OTLP/HTTP status code.</param>
/// <param name="Outcome">A short label for logs and the <c>outcome</c> tag of <c>telemetry.collector.requests</c>.</param>
/// <param name="Message">Error message (failures) or partial-success message.</param>
/// <param name="Rejected">Records/data points rejected (partial success).</param>
/// <param name="RetryAfter">Sent as RetryInfo (gRPC) and Retry-After (HTTP) when the client should retry later.</param>
public readonly record struct ExportAnswer(
    StatusCode GrpcStatus,
    int HttpStatus,
    string Outcome,
    string? Message = null,
    long Rejected = 0,
    TimeSpan? RetryAfter = null)
{
    public bool IsSuccess => GrpcStatus == StatusCode.OK;

    /// <summary>Retry-After in whole seconds, at least 1.</summary>
    public long RetryAfterSeconds => RetryAfter is { } after ? Math.Max(1, (long)Math.Ceiling(after.TotalSeconds)) : 0;
}
