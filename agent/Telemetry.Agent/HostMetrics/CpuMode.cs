namespace Telemetry.Agent.HostMetrics;

/// <summary>
/// The CPU modes published as <c>cpu.mode</c>. Names follow the OpenTelemetry semantic conventions where one
/// exists (<c>interrupt</c> for Linux irq); <c>softirq</c> has no semconv value and keeps its Linux name
/// (Windows DPC time is reported there, its nearest analogue).
/// </summary>
internal static class CpuMode
{
    public const int User = 0;
    public const int Nice = 1;
    public const int System = 2;
    public const int Idle = 3;
    public const int IoWait = 4;
    public const int Interrupt = 5;
    public const int SoftIrq = 6;
    public const int Steal = 7;
    public const int Count = 8;

    /// <summary><c>cpu.mode</c> values, indexed by the constants above.</summary>
    public static readonly string[] Names = ["user", "nice", "system", "idle", "iowait", "interrupt", "softirq", "steal"];
}
