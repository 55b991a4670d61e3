namespace Telemetry.Collector.Writing;

/// <summary>What became of one batch: written (apart from rejected lines) or unavailable.</summary>
public sealed class BatchOutcome
{
    private readonly List<LineRejection> _rejections = [];

    internal BatchOutcome(ReadOnlyMemory<byte> batch, LineSet lines)
    {
        Batch = batch;
        Lines = lines;
    }

    public ReadOnlyMemory<byte> Batch { get; }

    public WriteStatus Status { get; private set; } = WriteStatus.Written;

    /// <summary>Lines InfluxDB refused for cause, in no particular order.</summary>
    public IReadOnlyList<LineRejection> Rejections => _rejections;

    /// <summary>Why the batch is unavailable.</summary>
    public string? Error { get; private set; }

    public TimeSpan? RetryAfter { get; private set; }

    internal LineSet Lines { get; }

    internal void Reject(int line, string reason)
    {
        var (start, length) = Lines.Range(line);
        _rejections.Add(new LineRejection(start, length, reason));
    }

    internal void Fail(string error, TimeSpan retryAfter)
    {
        Status = WriteStatus.Unavailable;
        Error = error;
        RetryAfter = retryAfter;
    }
}

/// <summary>A refused line: its byte offset and length (without '\n') in the batch, and InfluxDB's reason.</summary>
public readonly record struct LineRejection(int Offset, int Length, string Reason);
