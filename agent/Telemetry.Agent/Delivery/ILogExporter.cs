namespace Telemetry.Agent.Delivery;

/// <summary>
/// Sends log batches to the collector. <see cref="ExportAsync"/> returns only when the collector has
/// answered for good: accepted (wholly or partly), or rejected the batch permanently. Transient failures
/// (UNAVAILABLE, RESOURCE_EXHAUSTED, deadline, connection refused) are retried inside, with backoff and
/// jitter and honouring the server's RetryInfo, until <paramref name="cancellationToken"/> fires.
/// </summary>
public interface ILogExporter
{
    /// <param name="request">An <c>ExportLogsServiceRequest</c> in protobuf wire format.</param>
    /// <param name="recordCount">Log records in the request (for accounting).</param>
    Task<ExportAck> ExportAsync(ReadOnlyMemory<byte> request, int recordCount, CancellationToken cancellationToken);
}

/// <summary>The collector's final answer for one batch.</summary>
/// <param name="Status">Accepted, partly accepted, or rejected for good.</param>
/// <param name="RejectedRecords">Records the collector refused (partial_success, or all of them for
/// <see cref="ExportAckStatus.Rejected"/>). They are counted and logged; they will not be sent again.</param>
/// <param name="Message">The collector's message, if any.</param>
public readonly record struct ExportAck(ExportAckStatus Status, long RejectedRecords = 0, string? Message = null);

public enum ExportAckStatus
{
    Accepted,
    PartiallyAccepted,
    Rejected,
}
