using Grpc.Core;

namespace Telemetry.Agent.Delivery;

/// <summary>What the exporter does with a failed attempt.</summary>
public enum OtlpFailureKind
{
    /// <summary>Transient (OTLP spec "retryable"): retry with exponential backoff and jitter.</summary>
    Transient,

    /// <summary>
    /// The collector refuses us for a reason only an operator can fix (wrong or missing token, wrong
    /// endpoint, a request larger than the collector allows). The OTLP specification would drop the data;
    /// we keep it: retry every <c>max_backoff</c> and log an error each time, so lines wait in their files
    /// until the configuration is fixed.
    /// </summary>
    OperatorFixable,

    /// <summary>The collector cannot use this batch, ever (it is invalid): give up, report it rejected.</summary>
    Permanent,
}

/// <summary>
/// The one table from gRPC status to retry decision, and the delay before the next attempt.
/// <list type="table">
/// <item><term>UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, CANCELLED, OUT_OF_RANGE, DATA_LOSS,
/// RESOURCE_EXHAUSTED with RetryInfo</term><description>transient (OTLP retryable codes)</description></item>
/// <item><term>UNAUTHENTICATED, PERMISSION_DENIED, UNIMPLEMENTED, NOT_FOUND, RESOURCE_EXHAUSTED without
/// RetryInfo (request too large)</term><description>operator-fixable: retried at max_backoff</description></item>
/// <item><term>INVALID_ARGUMENT, FAILED_PRECONDITION, ALREADY_EXISTS, INTERNAL, UNKNOWN</term>
/// <description>permanent: the batch is rejected (counted and logged by the caller)</description></item>
/// </list>
/// Only statuses the collector sent count: a status the gRPC client made up from a transport error
/// (connection refused or reset) is treated as UNAVAILABLE, and a refused TLS handshake (wrong CA, wrong
/// name, client certificate refused) as operator-fixable, whatever code the client library chose for it.
/// </summary>
public static class OtlpRetryPolicy
{
    /// <summary>Upper bound on a server-provided RetryInfo delay (defends against a nonsense value).</summary>
    public static readonly TimeSpan MaxServerDelay = TimeSpan.FromMinutes(5);

    public static OtlpFailureKind Classify(StatusCode status, bool hasRetryInfo) => status switch
    {
        StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Aborted or StatusCode.Cancelled
            or StatusCode.OutOfRange or StatusCode.DataLoss => OtlpFailureKind.Transient,
        StatusCode.ResourceExhausted => hasRetryInfo ? OtlpFailureKind.Transient : OtlpFailureKind.OperatorFixable,
        StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.Unimplemented
            or StatusCode.NotFound => OtlpFailureKind.OperatorFixable,
        _ => OtlpFailureKind.Permanent,
    };

    /// <summary>
    /// Delay before retry number <paramref name="retry"/> (0 = first retry): the server's RetryInfo when it
    /// sent one (capped at <see cref="MaxServerDelay"/>); <paramref name="maxBackoff"/> for operator-fixable
    /// errors; otherwise full jitter, uniform in [0, min(max, initial * 2^retry)].
    /// </summary>
    /// <param name="unit">A uniform random number in [0, 1).</param>
    public static TimeSpan Delay(
        OtlpFailureKind kind,
        int retry,
        TimeSpan? serverDelay,
        TimeSpan initialBackoff,
        TimeSpan maxBackoff,
        double unit)
    {
        if (serverDelay is { } server)
        {
            return server < TimeSpan.Zero ? TimeSpan.Zero : server > MaxServerDelay ? MaxServerDelay : server;
        }

        if (kind == OtlpFailureKind.OperatorFixable)
        {
            return maxBackoff;
        }

        var ceiling = Ceiling(retry, initialBackoff, maxBackoff);
        return TimeSpan.FromTicks((long)(ceiling.Ticks * unit));
    }

    /// <summary>min(max, initial * 2^retry), without overflow.</summary>
    public static TimeSpan Ceiling(int retry, TimeSpan initialBackoff, TimeSpan maxBackoff)
    {
        var ticks = initialBackoff.Ticks;
        for (var i = 0; i < retry && ticks < maxBackoff.Ticks; i++)
        {
            ticks *= 2;
        }

        return TimeSpan.FromTicks(Math.Min(ticks, maxBackoff.Ticks));
    }
}
