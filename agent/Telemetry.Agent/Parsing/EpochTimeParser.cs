using System.Buffers.Text;

namespace Telemetry.Agent.Parsing;

/// <summary>Times logged as a count since the Unix epoch: nginx <c>$msec</c> (<c>1700000000.123</c>), Apache
/// <c>%{sec}t</c>, <c>%{msec}t</c>, <c>%{usec}t</c>, JSON numbers.</summary>
internal static class EpochTimeParser
{
    /// <param name="unitNanos">Nanoseconds in one unit of the integer part (1e9 for seconds, 1e6 for ms ...).</param>
    /// <returns>The bytes consumed, 0 when there is no number.</returns>
    public static int TryParse(ReadOnlySpan<byte> s, long unitNanos, out LogTime time)
    {
        time = default;
        var n = 0;
        long whole = 0;
        while (n < s.Length && (uint)(s[n] - '0') <= 9)
        {
            if (n >= 19)
            {
                return 0;
            }

            whole = (whole * 10) + (s[n] - '0');
            n++;
        }

        if (n == 0)
        {
            return 0;
        }

        var resolution = unitNanos;
        long fraction = 0;
        if (n < s.Length && s[n] == (byte)'.')
        {
            var digits = CivilTime.Fraction(s, n + 1, out var fractionOfSecond, out var secondResolution);
            if (digits == 0)
            {
                return 0;
            }

            // Scale a fraction of one unit (read as if of a second) into nanoseconds.
            fraction = (long)((double)fractionOfSecond / CivilTime.NanosPerSecond * unitNanos);
            resolution = Math.Max(1, (long)((double)secondResolution / CivilTime.NanosPerSecond * unitNanos));
            n += 1 + digits;
        }

        if (whole > long.MaxValue / unitNanos - 1)
        {
            return 0;
        }

        time = new LogTime((whole * unitNanos) + fraction, 0, resolution);
        return n;
    }

    public static bool TryParseWhole(ReadOnlySpan<byte> s, long unitNanos, out LogTime time)
    {
        var n = TryParse(s, unitNanos, out time);
        return n > 0 && n == s.Length;
    }

    internal static bool TryParseLong(ReadOnlySpan<byte> s, out long value) =>
        Utf8Parser.TryParse(s, out value, out var consumed) && consumed == s.Length && s.Length > 0;
}
