namespace Telemetry.Agent.Delivery;

/// <summary>
/// Ordered acknowledgements for one file (as in Vector's finalizers and Filebeat's registry). Each batch
/// holding lines of the file registers the offset the file will have reached once that batch and every
/// earlier one are acknowledged; batches may be acknowledged in any order, but <see cref="Committed"/>
/// only advances over a prefix of acknowledged batches: never past a gap. Thread-safe.
/// </summary>
public sealed class AckTracker
{
    private readonly Lock _lock = new();
    private readonly Queue<Entry> _pending = new();
    private readonly HashSet<long> _acked = [];
    private long _committed;

    public AckTracker(long committed)
    {
        _committed = committed;
    }

    /// <summary>Offset just past the last line whose batch, and every earlier one, was acknowledged.</summary>
    public long Committed
    {
        get
        {
            lock (_lock)
            {
                return _committed;
            }
        }
    }

    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Registers batch <paramref name="batch"/> as covering the file up to <paramref name="offset"/>.
    /// Calls come in reading order, so offsets never decrease (except after <see cref="Restart"/>).</summary>
    public void Register(long batch, long offset)
    {
        lock (_lock)
        {
            _pending.Enqueue(new Entry(batch, offset));
        }
    }

    /// <summary>Marks a batch acknowledged. Returns true and the new committed offset when it advanced.</summary>
    public bool Acknowledge(long batch, out long committed)
    {
        lock (_lock)
        {
            _acked.Add(batch);
            var advanced = false;
            while (_pending.TryPeek(out var head) && _acked.Remove(head.Batch))
            {
                _pending.Dequeue();
                _committed = head.Offset;
                advanced = true;
            }

            committed = _committed;
            return advanced;
        }
    }

    /// <summary>The file was truncated: later registrations count from <paramref name="offset"/> again.
    /// Batches still pending keep their order; their old offsets are replaced by the restart point.</summary>
    public void Restart(long offset)
    {
        lock (_lock)
        {
            var count = _pending.Count;
            for (var i = 0; i < count; i++)
            {
                var entry = _pending.Dequeue();
                _pending.Enqueue(entry with { Offset = offset });
            }

            _committed = offset;
        }
    }

    private readonly record struct Entry(long Batch, long Offset);
}
