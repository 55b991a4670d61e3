namespace Telemetry.LoadGenerator.Pacing;

/// <summary>Lines per second as a function of time since the start: steady, a linear ramp, or periodic bursts.</summary>
public sealed class RateSchedule
{
    public string Shape { get; init; } = "steady";

    /// <summary>Lines per second (steady; start of a ramp; base rate between bursts).</summary>
    public double Rate { get; init; } = 100;

    /// <summary>Rate at the end of the ramp (reached at <see cref="RampOver"/>).</summary>
    public double RampTo { get; init; } = 1000;

    public TimeSpan RampOver { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan BurstEvery { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan BurstLength { get; init; } = TimeSpan.FromSeconds(3);

    public double BurstFactor { get; init; } = 10;

    public void Validate()
    {
        if (Rate <= 0 || double.IsNaN(Rate))
        {
            throw new ArgumentException($"--rate: must be positive, got {Rate}");
        }

        switch (Shape)
        {
            case "steady":
                break;
            case "ramp":
                if (RampTo <= 0 || RampOver <= TimeSpan.Zero)
                {
                    throw new ArgumentException($"--ramp-to/--ramp-over: must be positive, got {RampTo} over {RampOver}");
                }

                break;
            case "bursts":
                if (BurstEvery <= TimeSpan.Zero || BurstLength <= TimeSpan.Zero || BurstLength > BurstEvery || BurstFactor <= 0)
                {
                    throw new ArgumentException($"--burst-every/--burst-length/--burst-factor: need 0 < length <= every and factor > 0, got {BurstEvery}/{BurstLength}/{BurstFactor}");
                }

                break;
            default:
                throw new ArgumentException($"--shape: must be steady, ramp or bursts, got '{Shape}'");
        }
    }

    public double RateAt(TimeSpan elapsed) => Shape switch
    {
        "ramp" => elapsed >= RampOver ? RampTo : Rate + ((RampTo - Rate) * (elapsed / RampOver)),
        "bursts" => IsInWindow(elapsed, BurstEvery, BurstLength) ? Rate * BurstFactor : Rate,
        _ => Rate,
    };

    /// <summary>The gap between the line at <paramref name="elapsed"/> and the next.</summary>
    public TimeSpan GapAt(TimeSpan elapsed) => TimeSpan.FromTicks(Math.Max(1, (long)(TimeSpan.TicksPerSecond / RateAt(elapsed))));

    /// <summary>True in the last <paramref name="length"/> of every <paramref name="every"/> period.</summary>
    public static bool IsInWindow(TimeSpan elapsed, TimeSpan every, TimeSpan length)
    {
        if (every <= TimeSpan.Zero)
        {
            return false;
        }

        var position = elapsed.Ticks % every.Ticks;
        return position >= every.Ticks - length.Ticks;
    }
}
