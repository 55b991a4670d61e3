using Telemetry.LoadGenerator.Formats;
using Telemetry.LoadGenerator.Pacing;
using Telemetry.LoadGenerator.Traffic;

namespace Telemetry.LoadGenerator.Output;

/// <summary>What <c>telemetry-loadgen file</c> does.</summary>
public sealed class FileRunOptions
{
    public required string Path { get; init; }

    public required ILineFormatter Formatter { get; init; }

    public TrafficOptions Traffic { get; init; } = new();

    public RateSchedule Schedule { get; init; } = new();

    /// <summary>Stop after this many lines (null: no limit).</summary>
    public long? Count { get; init; }

    /// <summary>Stop after this much (generated) time (null: no limit).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>
    /// <c>real</c>: write each line when it is due and stamp it with the clock; <c>none</c>: write as fast
    /// as possible, stamping lines with the schedule's times from <see cref="Start"/>.
    /// </summary>
    public string Pace { get; init; } = "real";

    /// <summary>First time stamp when <see cref="Pace"/> is <c>none</c> (default: now).</summary>
    public DateTimeOffset? Start { get; init; }

    public TimeSpan? RotateEvery { get; init; }

    public long? RotateLines { get; init; }

    /// <summary><c>rename</c> (the file moves to <c>.1</c> and a new one is created) or <c>copytruncate</c>.</summary>
    public string RotateMode { get; init; } = "rename";

    /// <summary>How many rotated files to keep (<c>.1</c> .. <c>.N</c>); older ones are deleted, as logrotate does.</summary>
    public int RotateKeep { get; init; } = 100;

    public void Validate()
    {
        Traffic.Validate();
        Schedule.Validate();
        if (Count is null && Duration is null)
        {
            throw new ArgumentException("--count or --duration: at least one bound is needed");
        }

        if (Count is < 0)
        {
            throw new ArgumentException($"--count: must not be negative, got {Count}");
        }

        if (Pace is not ("real" or "none"))
        {
            throw new ArgumentException($"--pace: must be real or none, got '{Pace}'");
        }

        if (RotateMode is not ("rename" or "copytruncate"))
        {
            throw new ArgumentException($"--rotate-mode: must be rename or copytruncate, got '{RotateMode}'");
        }

        if (RotateKeep < 1)
        {
            throw new ArgumentException($"--rotate-keep: must be at least 1, got {RotateKeep}");
        }

        if (RotateLines is <= 0 || RotateEvery <= TimeSpan.Zero)
        {
            throw new ArgumentException("--rotate-lines/--rotate-every: must be positive");
        }
    }
}
