namespace Telemetry.Agent.HostMetrics;

/// <summary>Turns two cumulative CPU time samples into the fraction of time spent in each mode between them.</summary>
internal static class CpuUtilization
{
    /// <summary>
    /// Fills <paramref name="utilization"/> with each mode's share of the elapsed CPU time (each in [0, 1], summing
    /// to 1). Returns false, leaving it untouched, when no time elapsed or a counter went backwards (CPU
    /// hot-plug, a reset): a gap in the series is better than a wrong value.
    /// </summary>
    public static bool TryCompute(in CpuTimes previous, in CpuTimes current, ref CpuTimes utilization)
    {
        double total = 0;
        for (var mode = 0; mode < CpuMode.Count; mode++)
        {
            var delta = current[mode] - previous[mode];
            if (delta < 0)
            {
                return false;
            }

            total += delta;
        }

        if (total <= 0)
        {
            return false;
        }

        for (var mode = 0; mode < CpuMode.Count; mode++)
        {
            utilization[mode] = (current[mode] - previous[mode]) / total;
        }

        return true;
    }
}
