using System.Buffers;
using System.Numerics;
using Telemetry.Collector.Configuration;

namespace Telemetry.Collector.Writing;

/// <summary>
/// The arrays of the write stage (queued copies of mapped points, batch buffers, gzip bodies), pooled with a
/// bound: at most <see cref="MaxRetainedBytes"/> are kept between uses, in at most 64 arrays, none longer
/// than <see cref="MaxArrayLength"/>; the rest go back to the GC. <see cref="ArrayPool{T}.Shared"/> would keep an
/// array of every size a stall ever produced, in the large object heap, long after the stall.
/// </summary>
public sealed class WriteBufferPool : ArrayPool<byte>
{
    private const int MinArrayLength = 4096;
    private const int MaxRetainedArrays = 64;

    private readonly Lock _gate = new();
    private readonly List<byte[]> _retained = [];
    private long _retainedBytes;

    public WriteBufferPool(int maxArrayLength, long maxRetainedBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxArrayLength, MinArrayLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRetainedBytes, maxArrayLength);
        MaxArrayLength = maxArrayLength;
        MaxRetainedBytes = maxRetainedBytes;
    }

    /// <summary>Longest array kept for reuse.</summary>
    public int MaxArrayLength { get; }

    /// <summary>Most bytes kept for reuse, all arrays together.</summary>
    public long MaxRetainedBytes { get; }

    /// <summary>Bytes kept for reuse now.</summary>
    public long RetainedBytes
    {
        get
        {
            lock (_gate)
            {
                return _retainedBytes;
            }
        }
    }

    /// <summary>The writer's bound: two batch buffers per concurrent request (the batch and its gzip body, or
    /// a batch being filled while another is written), arrays up to twice <c>batch_max_bytes</c> (a batch
    /// buffer grows by doubling and may pass the limit by one line).</summary>
    public static WriteBufferPool For(InfluxDbOptions options)
    {
        var maxArray = (int)Math.Min(Array.MaxLength, BitOperations.RoundUpToPowerOf2((uint)options.BatchMaxBytes) * 2L);
        return new WriteBufferPool(maxArray, Math.Max(maxArray, 2L * options.MaxConcurrentRequests * options.BatchMaxBytes));
    }

    public override byte[] Rent(int minimumLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumLength);
        if (minimumLength <= MaxArrayLength)
        {
            lock (_gate)
            {
                // The smallest retained array that is long enough.
                var best = -1;
                for (var i = 0; i < _retained.Count; i++)
                {
                    if (_retained[i].Length >= minimumLength && (best < 0 || _retained[i].Length < _retained[best].Length))
                    {
                        best = i;
                    }
                }

                if (best >= 0)
                {
                    var array = _retained[best];
                    _retained[best] = _retained[^1];
                    _retained.RemoveAt(_retained.Count - 1);
                    _retainedBytes -= array.Length;
                    return array;
                }
            }
        }

        // Powers of two, so that arrays of nearby sizes serve each other.
        var length = minimumLength <= MinArrayLength ? MinArrayLength
            : minimumLength > 1 << 30 ? minimumLength
            : (int)BitOperations.RoundUpToPowerOf2((uint)minimumLength);
        return GC.AllocateUninitializedArray<byte>(length);
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length > MaxArrayLength || array.Length < MinArrayLength)
        {
            return;
        }

        if (clearArray)
        {
            Array.Clear(array);
        }

        lock (_gate)
        {
            if (_retainedBytes + array.Length <= MaxRetainedBytes && _retained.Count < MaxRetainedArrays)
            {
                _retained.Add(array);
                _retainedBytes += array.Length;
                return;
            }

            // Full: keep the larger arrays, which are the costly ones to allocate again.
            var smallest = 0;
            for (var i = 1; i < _retained.Count; i++)
            {
                if (_retained[i].Length < _retained[smallest].Length)
                {
                    smallest = i;
                }
            }

            if (_retained.Count > 0 && _retained[smallest].Length < array.Length
                && _retainedBytes - _retained[smallest].Length + array.Length <= MaxRetainedBytes)
            {
                _retainedBytes += array.Length - _retained[smallest].Length;
                _retained[smallest] = array;
            }
        }
    }
}
