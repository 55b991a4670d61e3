using Telemetry.Agent.Delivery;
using Telemetry.Agent.Encoders;

namespace Telemetry.Agent.Batching;

/// <summary>
/// Records on their way to one Export: per-source record buffers while open, one
/// <c>ExportLogsServiceRequest</c> once sealed, plus the files whose progress it carries.
/// A batch can hold no records at all (only directive or blank lines were read): it is then
/// acknowledged without being sent, in order with the others.
/// <para>Each source's records are written after a reserved head room that takes the source's
/// <c>ResourceLogs</c>/<c>ScopeLogs</c> header at seal time, so the request is assembled in place: with one
/// source (the usual case) sealing copies nothing; the records of further sources are appended to the first.
/// The buffers are pooled and returned when the batch is disposed (after its acknowledgement).</para>
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
    public ReadOnlyMemory<byte> Request => _request is null ? ReadOnlyMemory<byte>.Empty : _request.WrittenMemory[_requestStart..];

    private ProtoBuffer? _request;
    private int _requestStart;

    public bool IsEmpty => Records == 0 && _participants.Count == 0;

    /// <summary>Bytes the record would add (with the source's overhead when it is the source's first).</summary>
    internal int Cost(TailSource source, int recordLength) =>
        ProtoBuffer.FieldSize(recordLength) + (_records[source.Index] is null ? SourceOverhead(source) : 0);

    internal void Add(TailSource source, ReadOnlySpan<byte> record)
    {
        Bytes += Cost(source, record.Length);
        var buffer = _records[source.Index];
        if (buffer is null)
        {
            buffer = _records[source.Index] = new ProtoBuffer(Math.Max(4096, record.Length * 2), BatchMemory.Pool);
            buffer.Advance(SourceOverhead(source));
        }

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

        for (var i = 0; i < _records.Length; i++)
        {
            var records = _records[i];
            if (records is null)
            {
                continue;
            }

            _records[i] = null;
            var start = WriteHeader(sources[i], records);
            if (_request is null)
            {
                _request = records;
                _requestStart = start;
            }
            else
            {
                _request.WriteRaw(records.WrittenSpan[start..]);
                records.Dispose();
            }
        }
    }

    /// <summary>Writes the source's ResourceLogs and ScopeLogs header right before its records, in the head
    /// room; returns where the header starts.</summary>
    private static int WriteHeader(TailSource source, ProtoBuffer records)
    {
        var room = SourceOverhead(source);
        var scopeLogs = source.ScopeField.Length + records.Length - room;
        var resourceLogs = source.ResourceField.Length + ProtoBuffer.FieldSize(scopeLogs);
        Span<byte> scopePrefix = stackalloc byte[6];
        Span<byte> resourcePrefix = stackalloc byte[6];
        var scopePrefixLength = ProtoBuffer.WriteLengthPrefix(scopePrefix, 2, scopeLogs);
        var resourcePrefixLength = ProtoBuffer.WriteLengthPrefix(resourcePrefix, 1, resourceLogs);
        var start = room - resourcePrefixLength - source.ResourceField.Length - scopePrefixLength - source.ScopeField.Length;
        var header = records.WritableSpan(start, room - start);
        resourcePrefix[..resourcePrefixLength].CopyTo(header);
        header = header[resourcePrefixLength..];
        source.ResourceField.CopyTo(header);
        header = header[source.ResourceField.Length..];
        scopePrefix[..scopePrefixLength].CopyTo(header);
        header = header[scopePrefixLength..];
        source.ScopeField.CopyTo(header);
        return start;
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

    /// <summary>Head room for a source's header: its fields plus two tags with length varints (at most 6 bytes each).</summary>
    private static int SourceOverhead(TailSource source) => source.ResourceField.Length + source.ScopeField.Length + 12;
}
