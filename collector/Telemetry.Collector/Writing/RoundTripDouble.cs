using System.Buffers.Text;
using System.Globalization;

namespace Telemetry.Collector.Writing;

/// <summary>
/// Formats a finite <see cref="double"/> exactly as <c>value.ToString("R", InvariantCulture)</c> does (the
/// shortest text that parses back to the same value), with a fast path for the values access logs carry:
/// durations and sizes with at most six decimals (nginx's <c>$request_time</c> 0.123, Apache's <c>%D</c> in
/// seconds 0.123456). Such a value is written from its integer count of millionths; anything else goes to
/// the runtime's formatter.
/// </summary>
/// <remarks>
/// Why the fast path is exact: when <c>m = round(|v|·10⁶)</c> and <c>m / 10⁶ == |v|</c> (one correctly rounded
/// division), <c>|v|</c> is the double nearest to the decimal <c>d = m / 10⁶</c>, so <c>d</c> round-trips. With
/// <c>|v| &lt; 10⁹</c>, <c>d</c> has at most 15 significant digits, and two different decimals of at most 15
/// significant digits never round to the same double (DBL_DIG = 15); the shortest round-trip text therefore has
/// <c>d</c>'s digits. For <c>10⁻⁴ ≤ |v| &lt; 10⁹</c> the runtime writes them in fixed notation, as done here.
/// </remarks>
public static class RoundTripDouble
{
    /// <summary>Room <see cref="Format"/> needs in its destination.</summary>
    public const int MaxLength = 32;

    private const double Millionths = 1e6;

    /// <summary>Writes <paramref name="value"/> (finite) into <paramref name="destination"/> (at least
    /// <see cref="MaxLength"/> bytes) and returns the byte count.</summary>
    public static int Format(double value, Span<byte> destination)
    {
        var magnitude = Math.Abs(value);
        if (magnitude is >= 1e-4 and < 1e9)
        {
            var scaled = Math.Round(magnitude * Millionths);
            if (scaled / Millionths == magnitude)
            {
                return FormatMillionths(value < 0, (ulong)scaled, destination);
            }
        }

        value.TryFormat(destination, out var written, "R", CultureInfo.InvariantCulture);
        return written;
    }

    private static int FormatMillionths(bool negative, ulong millionths, Span<byte> destination)
    {
        var at = 0;
        if (negative)
        {
            destination[at++] = (byte)'-';
        }

        var whole = millionths / 1_000_000;
        var fraction = (uint)(millionths % 1_000_000);
        Utf8Formatter.TryFormat(whole, destination[at..], out var written);
        at += written;
        if (fraction == 0)
        {
            return at;
        }

        destination[at++] = (byte)'.';
        var digits = 6;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            digits--;
        }

        // The fraction's significant digits with their leading zeros: 0.00012 is 120 millionths, "00012".
        for (var i = digits - 1; i >= 0; i--)
        {
            destination[at + i] = (byte)('0' + (fraction % 10));
            fraction /= 10;
        }

        return at + digits;
    }
}
