namespace Telemetry.Agent.HostMetrics;

/// <summary>The kernel's exponentially damped run-queue lengths.</summary>
internal struct LoadAverage
{
    public double OneMinute;
    public double FiveMinutes;
    public double FifteenMinutes;
}
