namespace Telemetry.Collector.Pipeline;

/// <summary>What became of one Export request. The receiver turns it into a gRPC status or an HTTP answer
/// through one shared table (<c>Receiving/ExportAnswers</c>).</summary>
/// <param name="Status">The outcome class.</param>
/// <param name="Rejected">Records (logs) or data points (metrics) that were not stored and never will be
/// (partial success); only meaningful with <see cref="ExportStatus.Ok"/>.</param>
/// <param name="Message">A human-readable reason, sent to the client.</param>
/// <param name="RetryAfter">For retryable outcomes, how long the client should wait.</param>
public readonly record struct ExportResult(ExportStatus Status, long Rejected = 0, string? Message = null, TimeSpan? RetryAfter = null)
{
    public static ExportResult Success { get; } = new(ExportStatus.Ok);

    public static ExportResult Partial(long rejected, string message) => new(ExportStatus.Ok, rejected, message);

    public static ExportResult Invalid(string message) => new(ExportStatus.InvalidArgument, 0, message);

    public static ExportResult Unavailable(string message, TimeSpan retryAfter) => new(ExportStatus.Unavailable, 0, message, retryAfter);

    public static ExportResult Overloaded(string message, TimeSpan retryAfter) => new(ExportStatus.ResourceExhausted, 0, message, retryAfter);
}

/// <summary>Outcome classes of an Export, named after the gRPC codes they map to.</summary>
public enum ExportStatus
{
    /// <summary>Stored (possibly with <see cref="ExportResult.Rejected"/> records dropped for cause).</summary>
    Ok,

    /// <summary>The request could not be decoded or violates a limit on its content: do not retry.</summary>
    InvalidArgument,

    /// <summary>Storage is unreachable or failing: retry later.</summary>
    Unavailable,

    /// <summary>The collector is overloaded: retry later.</summary>
    ResourceExhausted,
}
