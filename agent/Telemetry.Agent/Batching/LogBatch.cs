using Telemetry.Agent.Delivery;
using Telemetry.Agent.Encoders;

namespace Telemetry.Agent.Batching;

/// <summary>
/// Records on their way to one Export: per-source record buffers while open, one
/// <c>ExportLogsServiceRequest</c> once sealed, plus the files whose progress it carries.
/// A batch can hold no records at all (only directive or blank lines were read): it is then
/// acknowledged without being sent, in order with the others.
/// </summary>
public sealed class LogBatch : IDisposable
{
    private readonly ProtoBuffer?[] _records;
    private readonly List<IBatchParticipant> _participants = [];

    internal LogBatch(int sources)
    {
        _records = new ProtoBuffer?[sources];
    }

    public long Sequence { get; internal set; }

    public int Records { get; private set; }

    /// <summary>Encoded size so far (records plus per-source overhead).</summary>
    public int Bytes { get; private set; }

    public long OpenedTimestamp { get; internal set; }

    public IReadOnlyList<IBatchParticipant> Participants => _participants;

    /// <summary>The sealed request (empty when <see cref="Records"/> is 0).</summary>
    public ReadOnlyMemory<byte> Request => _request is null ? ReadOnlyMemory<byte>.Empty : _request.WrittenMemory;

    private ProtoBuffer? _request;

    public bool IsEmpty => Records == 0 && _participants.Count == 0;

    /// <summary>Bytes the record would add (with the source's overhead when it is the source's first).</summary>
    internal int Cost(TailSource source, int recordLength) =>
        ProtoBuffer.FieldSize(recordLength) + (_records[source.Index] is null ? SourceOverhead(source) : 0);

    internal void Add(TailSource source, ReadOnlySpan<byte> record)
    {
        Bytes += Cost(source, record.Length);
        var buffer = _records[source.Index] ??= new ProtoBuffer(Math.Max(4096, record.Length * 2));
        buffer.WriteBytesField(2, record);
        Records++;
    }

    internal void Join(IBatchParticipant participant)
    {
        if (!_participants.Contains(participant))
        {
            _participants.Add(participant);
        }
    }

    /// <summary>Assembles the ExportLogsServiceRequest: one ResourceLogs per source with records.</summary>
    internal void Seal(IReadOnlyList<TailSource> sources)
    {
        foreach (var participant in _participants)
        {
            participant.Sealed(Sequence);
        }

        if (Records == 0)
        {
            return;
        }

        _request = new ProtoBuffer(Bytes + 64);
        for (var i = 0; i < _records.Length; i++)
        {
            var records = _records[i];
            if (records is null)
            {
                continue;
            }

            var source = sources[i];
            var scopeLogs = source.ScopeField.Length + records.Length;
            var resourceLogs = source.ResourceField.Length + ProtoBuffer.FieldSize(scopeLogs);
            _request.WriteLengthPrefix(1, resourceLogs);
            _request.WriteRaw(source.ResourceField);
            _request.WriteLengthPrefix(2, scopeLogs);
            _request.WriteRaw(source.ScopeField);
            _request.WriteRaw(records.WrittenSpan);
            records.Dispose();
            _records[i] = null;
        }
    }

    public void Dispose()
    {
        _request?.Dispose();
        _request = null;
        for (var i = 0; i < _records.Length; i++)
        {
            _records[i]?.Dispose();
            _records[i] = null;
        }
    }

    private static int SourceOverhead(TailSource source) => source.ResourceField.Length + source.ScopeField.Length + 12;
}
