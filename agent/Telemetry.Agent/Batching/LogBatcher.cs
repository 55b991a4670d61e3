using System.Threading.Channels;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.Delivery;

namespace Telemetry.Agent.Batching;

/// <summary>
/// Groups encoded records into batches by <c>batch.max_records</c>, <c>batch.max_bytes</c> and
/// <c>batch.max_delay</c>, and hands sealed batches to delivery through a bounded channel. Used by the
/// single reading loop (not thread-safe). When a batch is sealed, <see cref="HasPending"/> turns true and
/// the reader must <see cref="PublishAsync"/> it before reading on: when delivery is saturated that
/// await is where reading stops (the log file is the buffer).
/// A single record larger than <c>max_bytes</c> travels alone in its own batch.
/// </summary>
public sealed class LogBatcher : IDisposable
{
    private readonly BatchOptions _options;
    private readonly IReadOnlyList<TailSource> _sources;
    private readonly ChannelWriter<LogBatch> _output;
    private readonly TimeProvider _time;
    private LogBatch? _open;
    private LogBatch? _pending;
    private long _sequence;

    public LogBatcher(BatchOptions options, IReadOnlyList<TailSource> sources, ChannelWriter<LogBatch> output, TimeProvider time)
    {
        _options = options;
        _sources = sources;
        _output = output;
        _time = time;
    }

    public bool HasPending => _pending is not null;

    public int OpenRecords => _open?.Records ?? 0;

    /// <summary>Adds a record for <paramref name="participant"/>. Seals the open batch first when the record would not fit.</summary>
    public void Add(TailSource source, ReadOnlySpan<byte> record, IBatchParticipant participant)
    {
        if (_open is not null && _open.Records > 0
            && (_open.Records >= _options.MaxRecords || _open.Bytes + _open.Cost(source, record.Length) > _options.MaxBytes))
        {
            Seal();
        }

        var batch = Open();
        batch.Add(source, record);
        batch.Join(participant);
    }

    /// <summary>The participant read lines that need no record (directives, blank lines); its progress rides in the open batch.</summary>
    public void Touch(IBatchParticipant participant) => Open().Join(participant);

    /// <summary>Seals the open batch when it is full or older than <c>max_delay</c>; returns the time until it would be due otherwise.</summary>
    public TimeSpan SealIfDue()
    {
        if (_open is null || _pending is not null)
        {
            return _options.MaxDelay;
        }

        if (_open.Records >= _options.MaxRecords)
        {
            Seal();
            return _options.MaxDelay;
        }

        var age = _time.GetElapsedTime(_open.OpenedTimestamp);
        if (age >= _options.MaxDelay || _open.Records == 0)
        {
            Seal();
            return _options.MaxDelay;
        }

        return _options.MaxDelay - age;
    }

    /// <summary>Seals whatever is open (shutdown, or a test).</summary>
    public void SealNow()
    {
        if (_open is not null && _pending is null)
        {
            Seal();
        }
    }

    /// <summary>Hands the sealed batch to delivery, waiting while delivery is saturated.</summary>
    public async ValueTask PublishAsync(CancellationToken cancellationToken)
    {
        if (_pending is null)
        {
            return;
        }

        await _output.WriteAsync(_pending, cancellationToken);
        _pending = null;
    }

    /// <summary>Returns the buffers of batches never handed on (shutdown).</summary>
    public void Dispose()
    {
        _open?.Dispose();
        _pending?.Dispose();
        _open = _pending = null;
    }

    private LogBatch Open()
    {
        if (_open is null)
        {
            _open = new LogBatch(_sources.Count) { Sequence = ++_sequence, OpenedTimestamp = _time.GetTimestamp() };
        }

        return _open;
    }

    private void Seal()
    {
        if (_pending is not null)
        {
            throw new InvalidOperationException("a sealed batch is still waiting to be published");
        }

        var batch = _open!;
        _open = null;
        batch.Seal(_sources);
        _pending = batch;
    }
}
