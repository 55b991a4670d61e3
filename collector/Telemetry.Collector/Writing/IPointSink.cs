namespace Telemetry.Collector.Writing;

/// <summary>
/// Where mapped points go: the write queue in front of InfluxDB. <see cref="WriteAsync"/> completes when
/// every point is durably written (or rejected for cause by InfluxDB), or when writing failed in a way
/// the caller must report as retryable.
/// </summary>
public interface IPointSink
{
    /// <param name="points">Line protocol, one point per '\n'-terminated line. The sink copies what it
    /// needs before the call returns (not only before the task completes): the caller may reuse the buffer as
    /// soon as <see cref="WriteAsync"/> has returned its task.</param>
    /// <param name="pointCount">Number of points (lines) in <paramref name="points"/>.</param>
    /// <param name="cancellationToken">Cancels the wait (the client went away).</param>
    ValueTask<WriteResult> WriteAsync(ReadOnlyMemory<byte> points, int pointCount, CancellationToken cancellationToken);
}

/// <summary>What became of one <see cref="IPointSink.WriteAsync"/> call.</summary>
/// <param name="Status">Whether the points are stored.</param>
/// <param name="Rejected">Points InfluxDB refused for cause (type conflict, bad value), isolated from the
/// batch and dropped; the rest are stored.</param>
/// <param name="Error">The first rejection reason or failure message.</param>
/// <param name="RetryAfter">For <see cref="WriteStatus.Unavailable"/> and <see cref="WriteStatus.Overloaded"/>.</param>
public readonly record struct WriteResult(WriteStatus Status, int Rejected = 0, string? Error = null, TimeSpan? RetryAfter = null);

public enum WriteStatus
{
    /// <summary>Stored, apart from <see cref="WriteResult.Rejected"/> points.</summary>
    Written,

    /// <summary>InfluxDB unreachable or failing after retries: nothing of this call is acknowledged.</summary>
    Unavailable,

    /// <summary>The write queue is full: nothing of this call was accepted.</summary>
    Overloaded,
}
