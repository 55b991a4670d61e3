namespace Telemetry.Agent.Parsing;

/// <summary>Calendar arithmetic on plain integers (no <see cref="DateTime"/> on the hot path) and the small
/// digit readers the time parsers share.</summary>
internal static class CivilTime
{
    public const long NanosPerSecond = 1_000_000_000;

    /// <summary>OTLP times are unsigned nanoseconds since 1970 in 64 bits: years outside this range cannot be sent.</summary>
    public const int MinYear = 1970;

    public const int MaxYear = 2261;

    private static volatile LocalOffset? s_localOffset;

    /// <summary>Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).</summary>
    public static long DaysFromCivil(int year, int month, int day)
    {
        year -= month <= 2 ? 1 : 0;
        var era = (year >= 0 ? year : year - 399) / 400;
        var yoe = year - (era * 400);
        var doy = ((153 * (month + (month > 2 ? -3 : 9))) + 2) / 5 + day - 1;
        var doe = (yoe * 365) + (yoe / 4) - (yoe / 100) + doy;
        return ((long)era * 146097) + doe - 719468;
    }

    public static bool IsValid(int year, int month, int day, int hour, int minute, int second)
    {
        if (year < MinYear || year > MaxYear || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60
            || hour < 0 || minute < 0 || second < 0)
        {
            return false;
        }

        return day <= DaysInMonth(year, month);
    }

    public static int DaysInMonth(int year, int month) => month switch
    {
        2 => (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    public static long ToUnixNanos(int year, int month, int day, int hour, int minute, int second, long fractionNanos, int offsetMinutes)
    {
        var seconds = (DaysFromCivil(year, month, day) * 86400) + (hour * 3600L) + (minute * 60L) + second - (offsetMinutes * 60L);
        return (seconds * NanosPerSecond) + fractionNanos;
    }

    /// <summary>The agent host's UTC offset at a local wall-clock time, for formats that log local time without a
    /// zone. Cached per local hour (offsets change on hour boundaries), so lines of one hour ask the zone once.</summary>
    public static int LocalOffsetMinutes(int year, int month, int day, int hour, int minute, int second)
    {
        var hourKey = (DaysFromCivil(year, month, day) * 24) + hour;
        var cached = s_localOffset;
        if (cached is not null && cached.HourKey == hourKey)
        {
            return cached.OffsetMinutes;
        }

        var local = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Unspecified);
        var offset = (int)TimeZoneInfo.Local.GetUtcOffset(local).TotalMinutes;
        s_localOffset = new LocalOffset(hourKey, offset);
        return offset;
    }

    /// <summary>Month 1-12 from an English abbreviation (any case), 0 if none.</summary>
    public static int Month(ReadOnlySpan<byte> abbreviation)
    {
        if (abbreviation.Length != 3)
        {
            return 0;
        }

        var key = ((abbreviation[0] | 0x20) << 16) | ((abbreviation[1] | 0x20) << 8) | (abbreviation[2] | 0x20);
        return key switch
        {
            ('j' << 16) | ('a' << 8) | 'n' => 1,
            ('f' << 16) | ('e' << 8) | 'b' => 2,
            ('m' << 16) | ('a' << 8) | 'r' => 3,
            ('a' << 16) | ('p' << 8) | 'r' => 4,
            ('m' << 16) | ('a' << 8) | 'y' => 5,
            ('j' << 16) | ('u' << 8) | 'n' => 6,
            ('j' << 16) | ('u' << 8) | 'l' => 7,
            ('a' << 16) | ('u' << 8) | 'g' => 8,
            ('s' << 16) | ('e' << 8) | 'p' => 9,
            ('o' << 16) | ('c' << 8) | 't' => 10,
            ('n' << 16) | ('o' << 8) | 'v' => 11,
            ('d' << 16) | ('e' << 8) | 'c' => 12,
            _ => 0,
        };
    }

    /// <summary>Reads exactly <paramref name="count"/> ASCII digits at <paramref name="pos"/>.</summary>
    public static bool Digits(ReadOnlySpan<byte> s, int pos, int count, out int value)
    {
        value = 0;
        if (pos < 0 || pos + count > s.Length)
        {
            return false;
        }

        for (var i = pos; i < pos + count; i++)
        {
            var d = s[i] - (uint)'0';
            if (d > 9)
            {
                return false;
            }

            value = (value * 10) + (int)d;
        }

        return true;
    }

    /// <summary>Reads 1 to <paramref name="max"/> digits; returns how many were read (0 when none).</summary>
    public static int DigitsUpTo(ReadOnlySpan<byte> s, int pos, int max, out int value)
    {
        value = 0;
        var n = 0;
        while (n < max && pos + n < s.Length && (uint)(s[pos + n] - '0') <= 9)
        {
            value = (value * 10) + (s[pos + n] - '0');
            n++;
        }

        return n;
    }

    /// <summary>Reads a fraction of a second (1-9 digits after the point, more are ignored) into nanoseconds.</summary>
    public static int Fraction(ReadOnlySpan<byte> s, int pos, out long nanos, out long resolution)
    {
        nanos = 0;
        resolution = NanosPerSecond;
        var n = 0;
        while (pos + n < s.Length && (uint)(s[pos + n] - '0') <= 9)
        {
            if (n < 9)
            {
                resolution /= 10;
                nanos += (s[pos + n] - '0') * resolution;
            }

            n++;
        }

        return n;
    }

    /// <summary>Reads <c>+hhmm</c>, <c>-hh:mm</c>, <c>+hh</c> or <c>Z</c>; returns the bytes consumed (0 when none).</summary>
    public static int Offset(ReadOnlySpan<byte> s, int pos, out int offsetMinutes)
    {
        offsetMinutes = 0;
        if (pos >= s.Length)
        {
            return 0;
        }

        if (s[pos] == (byte)'Z' || s[pos] == (byte)'z')
        {
            return 1;
        }

        if (s[pos] != (byte)'+' && s[pos] != (byte)'-')
        {
            return 0;
        }

        var sign = s[pos] == (byte)'-' ? -1 : 1;
        if (!Digits(s, pos + 1, 2, out var hh) || hh > 23)
        {
            return 0;
        }

        var p = pos + 3;
        var mm = 0;
        if (p < s.Length && s[p] == (byte)':')
        {
            if (!Digits(s, p + 1, 2, out mm))
            {
                return 0;
            }

            p += 3;
        }
        else if (Digits(s, p, 2, out mm))
        {
            p += 2;
        }

        if (mm > 59)
        {
            return 0;
        }

        offsetMinutes = sign * ((hh * 60) + mm);
        return p - pos;
    }

    private sealed record LocalOffset(long HourKey, int OffsetMinutes);
}
