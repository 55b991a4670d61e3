namespace Telemetry.Collector.Writing;

/// <summary>The line boundaries of a batch, so sub-batches can be cut on line boundaries.</summary>
internal sealed class LineSet
{
    private readonly ReadOnlyMemory<byte> _batch;
    private readonly List<(int Start, int Length)> _lines;

    private LineSet(ReadOnlyMemory<byte> batch, List<(int Start, int Length)> lines)
    {
        _batch = batch;
        _lines = lines;
    }

    public int Count => _lines.Count;

    public static LineSet Index(ReadOnlyMemory<byte> batch)
    {
        var lines = new List<(int, int)>();
        var span = batch.Span;
        var start = 0;
        while (start < span.Length)
        {
            var end = LineScanner.LineEnd(span, start);
            var length = end < 0 ? span.Length - start : end - start;
            if (length > 0)
            {
                lines.Add((start, length));
            }

            start += length + 1;
        }

        return new LineSet(batch, lines);
    }

    public List<int> All()
    {
        var all = new List<int>(_lines.Count);
        for (var i = 0; i < _lines.Count; i++)
        {
            all.Add(i);
        }

        return all;
    }

    public (int Start, int Length) Range(int line) => _lines[line];

    /// <summary>The line without its '\n'.</summary>
    public ReadOnlyMemory<byte> Line(int line) => _batch.Slice(_lines[line].Start, _lines[line].Length);

    /// <summary>The line with a '\n' (the batch's last line may lack it; then a newline is not included).</summary>
    public ReadOnlyMemory<byte> LineWithNewline(int line)
    {
        var (start, length) = _lines[line];
        return start + length < _batch.Length ? _batch.Slice(start, length + 1) : _batch.Slice(start, length);
    }

    /// <summary>Bytes of the given lines, newlines included.</summary>
    public int Bytes(List<int> set)
    {
        var total = 0;
        foreach (var line in set)
        {
            total += _lines[line].Length + 1;
        }

        return total;
    }
}
