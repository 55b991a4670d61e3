using System.Buffers;

namespace Telemetry.Agent.Batching;

/// <summary>
/// The pool of the log pipeline's large buffers: batch records and requests (<see cref="LogBatch"/>) and their
/// gzip (<c>Delivery.OtlpGzip</c>). One pool with shared buckets, at most <see cref="ArraysPerSize"/> arrays
/// kept per size, so what the agent keeps between batches is bounded (about
/// <c>ArraysPerSize x 2 x batch.max_bytes</c> at the worst, in practice the batches in flight).
/// <see cref="ArrayPool{T}.Shared"/> is the wrong home for them: it caches a returned array in the returning
/// thread's slot and per-core stacks of 32, so 1 MiB batch arrays returned by a dozen thread-pool threads
/// stayed resident (tens of MiB of RSS for a few MiB in use).
/// </summary>
public static class BatchMemory
{
    /// <summary>Arrays kept per size: the batches that can exist at once with the default
    /// <c>batch.max_in_flight</c> (8 exporting, one in the channel, one sealed, one open) and spares.</summary>
    public const int ArraysPerSize = 16;

    /// <summary>Largest array kept (larger ones, for a batch with a huge record, are left to the GC).</summary>
    public const int MaxPooledLength = 8 * 1024 * 1024;

    public static ArrayPool<byte> Pool { get; } = ArrayPool<byte>.Create(MaxPooledLength, ArraysPerSize);
}
