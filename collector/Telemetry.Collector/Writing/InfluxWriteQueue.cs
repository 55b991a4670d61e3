using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry.Collector.Configuration;

namespace Telemetry.Collector.Writing;

/// <summary>
/// The <see cref="IPointSink"/> in front of InfluxDB. Callers' points are copied, coalesced into batches of
/// at most <c>batch_max_points</c> / <c>batch_max_bytes</c> (a batch leaves when full or <c>flush_interval</c>
/// after its first point), and written by up to <c>max_concurrent_requests</c> concurrent requests. Each
/// caller's task completes when ITS points are written or definitively failed, with its own rejected count.
/// Admission is an explicit credit of <c>queue_max_points</c>: beyond it a caller is answered
/// <see cref="WriteStatus.Overloaded"/> at once, and keeps its data. On <see cref="StopAsync"/> everything
/// accepted is flushed.
/// </summary>
public sealed class InfluxWriteQueue : IPointSink, IAsyncDisposable
{
    private readonly InfluxDbWriter _writer;
    private readonly InfluxDbOptions _options;
    private readonly WriterMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly WriteBufferPool _buffers;
    private readonly Channel<Chunk> _channel = Channel.CreateUnbounded<Chunk>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _gate = new();
    private readonly Task _loop;
    private readonly Pipeline.RefusalLogThrottle _queueFullLines;
    private long _queued;
    private bool _stopping;

    public InfluxWriteQueue(InfluxDbWriter writer, IOptions<InfluxDbOptions> options, WriterMetrics metrics, ILogger<InfluxWriteQueue> logger, TimeProvider time, WriteBufferPool? buffers = null)
    {
        _writer = writer;
        _options = options.Value;
        _buffers = buffers ?? WriteBufferPool.For(_options);
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _queueFullLines = new Pipeline.RefusalLogThrottle(time, TimeSpan.FromSeconds(10));
        _slots = new SemaphoreSlim(_options.MaxConcurrentRequests, _options.MaxConcurrentRequests);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Points accepted and not yet written or failed.</summary>
    public long QueuedPoints => Interlocked.Read(ref _queued);

    public async ValueTask<WriteResult> WriteAsync(ReadOnlyMemory<byte> points, int pointCount, CancellationToken cancellationToken)
    {
        if (pointCount <= 0 || points.IsEmpty)
        {
            return new WriteResult(WriteStatus.Written);
        }

        var queued = Interlocked.Add(ref _queued, pointCount);
        if (queued > _options.QueueMaxPoints && queued - pointCount > 0)
        {
            // Over the credit: refuse the whole call, the caller keeps its data. A single call larger than
            // the whole queue is still taken when the queue is empty, or it could never pass.
            Interlocked.Add(ref _queued, -pointCount);
            _metrics.Overloaded(pointCount);
            if (_queueFullLines.Count(out var refused))
            {
                _logger.QueueFull(refused, queued - pointCount, _options.QueueMaxPoints);
            }

            return new WriteResult(WriteStatus.Overloaded, 0, "the InfluxDB write queue is full", OverloadRetryAfter());
        }

        var pending = new PendingWrite(points.Span, pointCount, _buffers);
        var chunks = Split(pending);
        lock (_gate)
        {
            if (_stopping)
            {
                Interlocked.Add(ref _queued, -pointCount);
                return new WriteResult(WriteStatus.Unavailable, 0, "the collector is shutting down", TimeSpan.FromSeconds(1));
            }

            pending.Expect(chunks.Count);
            foreach (var chunk in chunks)
            {
                _channel.Writer.TryWrite(chunk);
            }
        }

        _metrics.QueueDepth(Interlocked.Read(ref _queued));
        return await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops accepting points and writes everything accepted. When <paramref name="cancellationToken"/>
    /// fires first, in-flight requests are aborted and their callers answered Unavailable.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_stopping)
            {
                _stopping = true;
                _channel.Writer.TryComplete();
            }
        }

        var queued = QueuedPoints;
        if (queued > 0)
        {
            _logger.Flushing(queued);
        }

        using var abort = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _abort);
        try
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _logger.FlushIncomplete(QueuedPoints);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _abort.Dispose();
        _slots.Dispose();
    }

    private TimeSpan OverloadRetryAfter() => _options.FlushInterval > TimeSpan.FromSeconds(1) ? _options.FlushInterval : TimeSpan.FromSeconds(1);

    /// <summary>Cuts a caller's points on line boundaries into pieces that fit a batch.</summary>
    private List<Chunk> Split(PendingWrite pending)
    {
        var chunks = new List<Chunk>(1);
        var span = pending.Points.Span;
        var maxPoints = _options.BatchMaxPoints;
        var maxBytes = _options.BatchMaxBytes;
        var now = _time.GetTimestamp();
        if (pending.PointCount <= maxPoints && span.Length <= maxBytes)
        {
            // The usual Export fits one batch: no need to find its lines now.
            chunks.Add(new Chunk(pending, 0, span.Length, pending.PointCount, now));
            return chunks;
        }

        var start = 0;
        var lines = 0;
        var position = 0;
        while (position < span.Length)
        {
            var nl = LineScanner.LineEnd(span, position);
            var end = nl < 0 ? span.Length : nl + 1;
            if (lines > 0 && (lines == maxPoints || end - start > maxBytes))
            {
                chunks.Add(new Chunk(pending, start, position - start, lines, now));
                start = position;
                lines = 0;
            }

            lines++;
            position = end;
        }

        if (position > start)
        {
            chunks.Add(new Chunk(pending, start, position - start, lines, now));
        }

        return chunks;
    }

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        var maxPoints = _options.BatchMaxPoints;
        var maxBytes = _options.BatchMaxBytes;
        var flush = (long)(_options.FlushInterval.TotalSeconds * _time.TimestampFrequency);
        Chunk? carry = null;
        while (true)
        {
            // A write slot first, then the batch: while every slot is busy, points pile up in the channel, and
            // the batch formed when a slot frees takes all it can hold (full batches when InfluxDB is the
            // bottleneck, instead of a batch closed by its timer and then parked waiting for a slot).
            await _slots.WaitAsync().ConfigureAwait(false);
            if (carry is null && !await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                _slots.Release();
                break;
            }

            Chunk? first = carry;
            if (first is null && !reader.TryRead(out first))
            {
                _slots.Release();
                continue;
            }

            var batch = new Batch(BatchCapacity(first), _buffers);
            carry = batch.AddFitting(first, maxPoints, maxBytes);

            // The batch leaves when full, or flush_interval after its oldest point arrived (time spent
            // waiting for a slot counts), or at once when it holds points carried over from a full batch.
            var deadline = first.Enqueued + flush;
            while (carry is null && batch.Points < maxPoints && batch.Bytes < maxBytes)
            {
                if (reader.TryRead(out var next))
                {
                    carry = batch.AddFitting(next, maxPoints, maxBytes);
                    continue;
                }

                var remaining = TimeSpan.FromSeconds((double)(deadline - _time.GetTimestamp()) / _time.TimestampFrequency);
                if (remaining <= TimeSpan.Zero || reader.Completion.IsCompleted || !await WaitForMoreAsync(reader, remaining).ConfigureAwait(false))
                {
                    break;
                }
            }

            _ = WriteBatchAsync(batch);
        }

        // Wait for the in-flight writes: every slot back.
        for (var i = 0; i < _options.MaxConcurrentRequests; i++)
        {
            await _slots.WaitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A batch's first buffer: room for its first chunk and about as much again per chunk to come,
    /// within batch_max_bytes (the buffer grows when that guess is short).</summary>
    private int BatchCapacity(Chunk first)
    {
        var perPoint = first.Lines > 0 ? (long)first.Length / first.Lines + 1 : 512;
        return (int)Math.Clamp(perPoint * _options.BatchMaxPoints, first.Length + 1, Math.Max(first.Length + 1, _options.BatchMaxBytes));
    }

    private async Task<bool> WaitForMoreAsync(ChannelReader<Chunk> reader, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait, _time);
        try
        {
            return await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task WriteBatchAsync(Batch batch)
    {
        try
        {
            BatchOutcome? outcome = null;
            var failure = "the collector stopped before the points were written";
            try
            {
                outcome = await _writer.WriteAsync(batch.Memory, _abort.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                // Never leave a caller waiting: an unexpected failure is reported as retryable.
                failure = "write failed: " + e.Message;
                _logger.WriteCrashed(e);
            }

            batch.Complete(outcome, failure);
            foreach (var chunk in batch.Chunks)
            {
                if (chunk.Pending.PointCount > 0 && chunk.IsLastOfPending)
                {
                    Interlocked.Add(ref _queued, -chunk.Pending.PointCount);
                }
            }

            _metrics.QueueDepth(Interlocked.Read(ref _queued));
        }
        finally
        {
            batch.Dispose();
            _slots.Release();
        }
    }

    /// <summary>A piece of one caller's points that goes into one batch.</summary>
    internal sealed class Chunk(PendingWrite pending, int offset, int length, int lines, long enqueued)
    {
        /// <summary>When the caller's points were queued (<see cref="TimeProvider.GetTimestamp"/>).</summary>
        public long Enqueued { get; } = enqueued;

        public PendingWrite Pending { get; } = pending;

        public int Offset { get; } = offset;

        public int Length { get; } = length;

        public int Lines { get; } = lines;

        /// <summary>Set when this chunk's completion completed the caller's task.</summary>
        public bool IsLastOfPending { get; set; }

        public ReadOnlySpan<byte> Span => Pending.Points.Span.Slice(Offset, Length);

        /// <summary>Cuts this chunk after at most <paramref name="maxLines"/> lines and <paramref name="maxBytes"/>
        /// bytes: returns the head (null when not even one line fits) and leaves the rest in <paramref name="tail"/>.
        /// The caller's answer then waits for one more part.</summary>
        public Chunk? SplitHead(int maxLines, int maxBytes, out Chunk tail)
        {
            var span = Span;
            var lines = 0;
            var position = 0;
            while (lines < maxLines && position < span.Length)
            {
                var nl = LineScanner.LineEnd(span, position);
                var end = nl < 0 ? span.Length : nl + 1;
                if (end > maxBytes)
                {
                    break;
                }

                lines++;
                position = end;
            }

            if (lines == 0 || position >= span.Length)
            {
                tail = this;
                return lines == 0 ? null : this;
            }

            Pending.ExpectOneMore();
            tail = new Chunk(Pending, Offset + position, Length - position, Lines - lines, Enqueued);
            return new Chunk(Pending, Offset, position, lines, Enqueued);
        }
    }

    /// <summary>Chunks copied into one buffer, remembering where each starts.</summary>
    private sealed class Batch(int capacity, WriteBufferPool buffers) : IDisposable
    {
        private readonly LineBuffer _buffer = new(capacity, buffers);
        private readonly List<(Chunk Chunk, int Start)> _chunks = [];

        public int Points { get; private set; }

        public int Bytes => _buffer.Length;

        public ReadOnlyMemory<byte> Memory => _buffer.WrittenMemory;

        public IEnumerable<Chunk> Chunks
        {
            get
            {
                foreach (var (chunk, _) in _chunks)
                {
                    yield return chunk;
                }
            }
        }

        /// <summary>Adds as much of <paramref name="chunk"/> as the batch has room for and returns what is
        /// left over (null when it all went in). An empty batch always takes the chunk's first line.</summary>
        public Chunk? AddFitting(Chunk chunk, int maxPoints, int maxBytes)
        {
            if (Points + chunk.Lines <= maxPoints && Bytes + chunk.Length + 1 <= maxBytes)
            {
                Add(chunk);
                return null;
            }

            var head = chunk.SplitHead(maxPoints - Points, maxBytes - Bytes - 1, out var tail);
            if (head is null)
            {
                if (Points > 0)
                {
                    return chunk;
                }

                // A single line larger than batch_max_bytes still goes, alone (InfluxDB answers 413 if it must).
                head = chunk.SplitHead(1, int.MaxValue, out tail);
            }

            Add(head!);
            return ReferenceEquals(head, tail) ? null : tail;
        }

        public void Add(Chunk chunk)
        {
            _chunks.Add((chunk, _buffer.Length));
            _buffer.Write(chunk.Span);
            if (chunk.Length > 0 && chunk.Span[^1] != (byte)'\n')
            {
                _buffer.Write((byte)'\n');
            }

            Points += chunk.Lines;
        }

        /// <summary>Hands each chunk its share of the outcome (rejections by offset). Null: not written, for <paramref name="failure"/>.</summary>
        public void Complete(BatchOutcome? outcome, string failure)
        {
            var rejected = new int[_chunks.Count];
            var reasons = new string?[_chunks.Count];
            if (outcome is { Status: WriteStatus.Written })
            {
                foreach (var r in outcome.Rejections)
                {
                    var index = Find(r.Offset);
                    rejected[index]++;
                    reasons[index] ??= r.Reason;
                }
            }

            for (var i = 0; i < _chunks.Count; i++)
            {
                var chunk = _chunks[i].Chunk;
                chunk.IsLastOfPending = outcome switch
                {
                    null => chunk.Pending.ChunkDone(0, failure, unavailable: true, TimeSpan.FromSeconds(1)),
                    { Status: WriteStatus.Written } => chunk.Pending.ChunkDone(rejected[i], reasons[i], unavailable: false, null),
                    _ => chunk.Pending.ChunkDone(0, outcome.Error, unavailable: true, outcome.RetryAfter),
                };
            }
        }

        public void Dispose() => _buffer.Dispose();

        private int Find(int offset)
        {
            var lo = 0;
            var hi = _chunks.Count - 1;
            while (lo < hi)
            {
                var mid = (lo + hi + 1) / 2;
                if (_chunks[mid].Start <= offset)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return lo;
        }
    }
}
