namespace Telemetry.Agent.Encoders;

/// <summary>
/// Places a line at a deterministic instant inside its logged resolution, so two requests logged in
/// the same second never share a timestamp (InfluxDB keeps one point per series and time) and a re-sent
/// line lands on exactly the same point:
/// <code>time_unix_nano = logged_unix_nano + ((line_start_offset + file_salt) mod resolution_nanos)</code>
/// where <c>line_start_offset</c> is the byte offset of the line's first byte in its file and
/// <c>file_salt</c> is a 64-bit mix of the file's device and inode (stable across renames and restarts),
/// so lines of different files at the same offset do not collide either. Lines of one file logged in the
/// same second are fewer than 10^9 bytes apart, so they always get distinct nanoseconds.
/// </summary>
public static class LineTimestamp
{
    public static long Place(long loggedUnixNanos, long resolutionNanos, long lineStartOffset, ulong fileSalt)
    {
        if (resolutionNanos <= 1)
        {
            return loggedUnixNanos;
        }

        var r = (ulong)resolutionNanos;
        var inside = (((ulong)lineStartOffset % r) + (fileSalt % r)) % r;
        return loggedUnixNanos + (long)inside;
    }
}
