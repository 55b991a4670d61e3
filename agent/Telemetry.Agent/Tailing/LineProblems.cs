namespace Telemetry.Agent.Tailing;

/// <summary>
/// Malformed and over-long lines of one file since they were last logged. The first one is logged at once,
/// later ones at most once per <see cref="ReportInterval"/> as a count, so a file in the wrong format shows in
/// the log without flooding it (every line is counted in the self-metrics either way). Used by the reading
/// loop only.
/// </summary>
public sealed class LineProblems
{
    public static readonly TimeSpan ReportInterval = TimeSpan.FromMinutes(1);

    private long _reportedAt;
    private bool _reported;

    public long Malformed { get; private set; }

    public long Cut { get; private set; }

    /// <summary>Offset of the last malformed line, and why it did not match.</summary>
    public long MalformedOffset { get; private set; }

    public string MalformedReason { get; private set; } = "";

    public long CutOffset { get; private set; }

    public void AddMalformed(long offset, string? reason)
    {
        Malformed++;
        MalformedOffset = offset;
        MalformedReason = reason ?? "";
    }

    public void AddCut(long offset)
    {
        Cut++;
        CutOffset = offset;
    }

    /// <summary>True when there is something to log and the last report is old enough (or there was none).</summary>
    public bool IsDue(TimeProvider time) =>
        (Malformed > 0 || Cut > 0) && (!_reported || time.GetElapsedTime(_reportedAt) >= ReportInterval);

    public void Reported(TimeProvider time)
    {
        _reported = true;
        _reportedAt = time.GetTimestamp();
        Malformed = 0;
        Cut = 0;
    }
}
