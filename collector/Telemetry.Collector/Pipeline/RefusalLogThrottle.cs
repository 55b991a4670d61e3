namespace Telemetry.Collector.Pipeline;

/// <summary>
/// Keeps a warning that can fire per request from flooding the journal: <see cref="Count"/> counts every
/// occurrence and says whether to write a line now; at most one line per <c>interval</c>, carrying the count
/// since the previous line.
/// </summary>
public sealed class RefusalLogThrottle
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private long _count;
    private long _lastLine;

    public RefusalLogThrottle(TimeProvider time, TimeSpan interval)
    {
        _time = time;
        _interval = interval;
    }

    /// <summary>Counts one occurrence. True when a line is due: <paramref name="sinceLastLine"/> is then the
    /// count since the previous line, this one included.</summary>
    public bool Count(out long sinceLastLine)
    {
        Interlocked.Increment(ref _count);
        var now = _time.GetTimestamp();
        var last = Volatile.Read(ref _lastLine);
        if ((last != 0 && _time.GetElapsedTime(last, now) < _interval) || Interlocked.CompareExchange(ref _lastLine, now, last) != last)
        {
            sinceLastLine = 0;
            return false;
        }

        sinceLastLine = Interlocked.Exchange(ref _count, 0);
        return true;
    }
}
