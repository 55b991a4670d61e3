namespace Telemetry.Agent.Parsing;

/// <summary>
/// The common log format time <c>10/Oct/2000:13:55:36 -0700</c> (Apache <c>%t</c> inside its brackets,
/// nginx <c>$time_local</c>), whole seconds.
/// </summary>
internal static class ClfTimeParser
{
    public const int Length = 26;

    public static bool TryParse(ReadOnlySpan<byte> s, out LogTime time)
    {
        time = default;
        if (s.Length < Length
            || s[2] != (byte)'/' || s[6] != (byte)'/' || s[11] != (byte)':' || s[14] != (byte)':' || s[17] != (byte)':'
            || s[20] != (byte)' ')
        {
            return false;
        }

        if (!CivilTime.Digits(s, 0, 2, out var day) || !CivilTime.Digits(s, 7, 4, out var year)
            || !CivilTime.Digits(s, 12, 2, out var hour) || !CivilTime.Digits(s, 15, 2, out var minute)
            || !CivilTime.Digits(s, 18, 2, out var second))
        {
            return false;
        }

        var month = CivilTime.Month(s.Slice(3, 3));
        if (month == 0 || !CivilTime.IsValid(year, month, day, hour, minute, second)
            || CivilTime.Offset(s, 21, out var offset) != 5)
        {
            return false;
        }

        time = new LogTime(CivilTime.ToUnixNanos(year, month, day, hour, minute, second, 0, offset), (short)offset, CivilTime.NanosPerSecond);
        return true;
    }
}
