namespace Telemetry.Agent.Parsing;

/// <summary>A logged time.</summary>
/// <param name="UnixNanos">The instant, in nanoseconds since the Unix epoch (UTC).</param>
/// <param name="OffsetMinutes">The UTC offset the line was written with (for display: <c>parse</c> prints
/// the time with the line's own offset).</param>
/// <param name="ResolutionNanos">The resolution of the logged value: 1,000,000,000 for whole seconds
/// (<c>%t</c>, <c>$time_local</c>), 1,000,000 for milliseconds, and so on. The agent places each line at a
/// deterministic instant inside this resolution so distinct lines never share a timestamp.</param>
public readonly record struct LogTime(long UnixNanos, short OffsetMinutes, long ResolutionNanos);
