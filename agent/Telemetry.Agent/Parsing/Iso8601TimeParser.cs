namespace Telemetry.Agent.Parsing;

/// <summary>
/// ISO 8601 / RFC 3339 times: <c>2000-10-10T13:55:36-07:00</c> (nginx <c>$time_iso8601</c>), with an
/// optional fraction and <c>Z</c>, <c>+hh:mm</c> or <c>+hhmm</c>; a space may stand for the <c>T</c>.
/// Without an offset the time is taken as UTC.
/// </summary>
internal static class Iso8601TimeParser
{
    /// <returns>The bytes consumed, 0 when <paramref name="s"/> does not start with such a time.</returns>
    public static int TryParse(ReadOnlySpan<byte> s, out LogTime time)
    {
        time = default;
        if (s.Length < 19 || s[4] != (byte)'-' || s[7] != (byte)'-' || (s[10] != (byte)'T' && s[10] != (byte)' ' && s[10] != (byte)'t')
            || s[13] != (byte)':' || s[16] != (byte)':')
        {
            return 0;
        }

        if (!CivilTime.Digits(s, 0, 4, out var year) || !CivilTime.Digits(s, 5, 2, out var month)
            || !CivilTime.Digits(s, 8, 2, out var day) || !CivilTime.Digits(s, 11, 2, out var hour)
            || !CivilTime.Digits(s, 14, 2, out var minute) || !CivilTime.Digits(s, 17, 2, out var second)
            || !CivilTime.IsValid(year, month, day, hour, minute, second))
        {
            return 0;
        }

        var pos = 19;
        long fraction = 0;
        var resolution = CivilTime.NanosPerSecond;
        if (pos < s.Length && (s[pos] == (byte)'.' || s[pos] == (byte)','))
        {
            var n = CivilTime.Fraction(s, pos + 1, out fraction, out resolution);
            if (n == 0)
            {
                return 0;
            }

            pos += 1 + n;
        }

        pos += CivilTime.Offset(s, pos, out var offset);
        time = new LogTime(CivilTime.ToUnixNanos(year, month, day, hour, minute, second, fraction, offset), (short)offset, resolution);
        return pos;
    }
}
