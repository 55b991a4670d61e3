using System.Buffers;

namespace Telemetry.Collector.Writing;

/// <summary>One caller's <see cref="IPointSink.WriteAsync"/>: its copied bytes, split into chunks that may land
/// in different batches, and the answer assembled once every chunk is done.</summary>
internal sealed class PendingWrite
{
    private readonly TaskCompletionSource<WriteResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly ArrayPool<byte> _pool;
    private byte[]? _buffer;
    private int _outstanding;
    private int _rejected;
    private string? _error;
    private bool _unavailable;
    private TimeSpan? _retryAfter;

    public PendingWrite(ReadOnlySpan<byte> points, int pointCount, ArrayPool<byte> pool)
    {
        _pool = pool;
        _buffer = pool.Rent(Math.Max(1, points.Length));
        points.CopyTo(_buffer);
        Length = points.Length;
        PointCount = pointCount;
    }

    /// <summary>Points the caller announced (the queue credit it holds).</summary>
    public int PointCount { get; }

    public int Length { get; }

    public ReadOnlyMemory<byte> Points => _buffer.AsMemory(0, Length);

    public Task<WriteResult> Task => _completion.Task;

    /// <summary>Called before the chunks are queued.</summary>
    public void Expect(int chunks) => _outstanding = chunks;

    /// <summary>Called when a queued chunk is cut in two, before either part can complete.</summary>
    public void ExpectOneMore()
    {
        lock (_gate)
        {
            _outstanding++;
        }
    }

    /// <summary>Records one chunk's fate; returns true when it was the last, and the caller's task completed.</summary>
    public bool ChunkDone(int rejected, string? reason, bool unavailable, TimeSpan? retryAfter)
    {
        lock (_gate)
        {
            _rejected += rejected;
            if (unavailable && !_unavailable)
            {
                _unavailable = true;
                _error = reason;
                _retryAfter = retryAfter;
            }
            else if (!_unavailable && _error is null && reason is not null)
            {
                _error = reason;
            }

            if (--_outstanding > 0)
            {
                return false;
            }
        }

        var buffer = _buffer;
        _buffer = null;
        if (buffer is not null)
        {
            _pool.Return(buffer);
        }

        _completion.TrySetResult(_unavailable
            ? new WriteResult(WriteStatus.Unavailable, 0, _error, _retryAfter)
            : new WriteResult(WriteStatus.Written, _rejected, _error));
        return true;
    }
}
