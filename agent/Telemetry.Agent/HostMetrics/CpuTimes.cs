using System.Runtime.CompilerServices;

namespace Telemetry.Agent.HostMetrics;

/// <summary>Seconds spent in each <see cref="CpuMode"/> since boot (cumulative), for one CPU or the whole host.</summary>
[InlineArray(CpuMode.Count)]
internal struct CpuTimes
{
    private double _element0;

    /// <summary>Sum over every mode: the time base of utilization.</summary>
    public readonly double Total
    {
        get
        {
            double total = 0;
            foreach (var seconds in this)
            {
                total += seconds;
            }

            return total;
        }
    }
}
