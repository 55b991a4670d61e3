using System.Text;

namespace Telemetry.Agent.Parsing;

/// <summary>
/// A compiled <c>strftime</c> format (Apache <c>%{format}t</c>) that reads a time back: <c>%d %e %m %b %h %B
/// %Y %y %H %I %p %M %S %z %Z %a %A %s %T %D %F %R %n %t %%</c>. Without <c>%z</c> or <c>%s</c> the time is
/// local to the agent's host (Apache writes local time and the agent runs next to it).
/// </summary>
internal sealed class StrftimePattern
{
    private readonly Item[] _items;
    private readonly bool _hasZone;

    private StrftimePattern(Item[] items, bool hasZone)
    {
        _items = items;
        _hasZone = hasZone;
        ZoneOnly = items.Length == 1 && items[0].Op == Op.Zone;
    }

    /// <summary>The pattern is just <c>%z</c> (Apache's <c>%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t</c>): it gives
    /// the offset of a time read by an earlier field.</summary>
    public bool ZoneOnly { get; }

    private enum Op : byte
    {
        Literal,
        Day,
        Month,
        MonthName,
        Year4,
        Year2,
        Hour,
        Hour12,
        AmPm,
        Minute,
        Second,
        Zone,
        Letters,
        Epoch,
        Spaces,
    }

    /// <param name="format">The text between the braces.</param>
    /// <param name="unknown">Returns the exception for an unsupported conversion at an index of <paramref name="format"/>.</param>
    public static StrftimePattern Compile(string format, Func<string, int, LogFormatException> unknown)
    {
        var items = new List<Item>();
        var hasZone = false;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%')
            {
                foreach (var b in Encoding.UTF8.GetBytes(c.ToString()))
                {
                    items.Add(new Item(Op.Literal, b));
                }

                continue;
            }

            if (i + 1 >= format.Length)
            {
                throw unknown("%", i);
            }

            var d = format[++i];
            switch (d)
            {
                case 'd': case 'e': items.Add(new Item(Op.Day, 0)); break;
                case 'm': items.Add(new Item(Op.Month, 0)); break;
                case 'b': case 'h': case 'B': items.Add(new Item(Op.MonthName, 0)); break;
                case 'Y': items.Add(new Item(Op.Year4, 0)); break;
                case 'y': items.Add(new Item(Op.Year2, 0)); break;
                case 'H': case 'k': items.Add(new Item(Op.Hour, 0)); break;
                case 'I': case 'l': items.Add(new Item(Op.Hour12, 0)); break;
                case 'p': items.Add(new Item(Op.AmPm, 0)); break;
                case 'M': items.Add(new Item(Op.Minute, 0)); break;
                case 'S': items.Add(new Item(Op.Second, 0)); break;
                case 'z': items.Add(new Item(Op.Zone, 0)); hasZone = true; break;
                case 'Z': case 'a': case 'A': items.Add(new Item(Op.Letters, 0)); break;
                case 's': items.Add(new Item(Op.Epoch, 0)); hasZone = true; break;
                case 'n': case 't': items.Add(new Item(Op.Spaces, 0)); break;
                case '%': items.Add(new Item(Op.Literal, (byte)'%')); break;
                case 'T': Add(items, Op.Hour, Op.Minute, Op.Second, (byte)':'); break;
                case 'R': items.Add(new Item(Op.Hour, 0)); items.Add(new Item(Op.Literal, (byte)':')); items.Add(new Item(Op.Minute, 0)); break;
                case 'D': Add(items, Op.Month, Op.Day, Op.Year2, (byte)'/'); break;
                case 'F': Add(items, Op.Year4, Op.Month, Op.Day, (byte)'-'); break;
                default: throw unknown("%" + d, i - 1);
            }
        }

        return new StrftimePattern([.. items], hasZone);
    }

    /// <returns>The bytes consumed, 0 when <paramref name="s"/> does not start with a time in this format.</returns>
    public int TryParse(ReadOnlySpan<byte> s, out LogTime time)
    {
        time = default;
        int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, offset = 0;
        var pm = -1;
        long epoch = -1;
        var pos = 0;
        foreach (var item in _items)
        {
            int n;
            switch (item.Op)
            {
                case Op.Literal:
                    if (pos >= s.Length || s[pos] != item.Literal)
                    {
                        return 0;
                    }

                    pos++;
                    continue;
                case Op.Day:
                    while (pos < s.Length && s[pos] == (byte)' ')
                    {
                        pos++;
                    }

                    n = CivilTime.DigitsUpTo(s, pos, 2, out day);
                    break;
                case Op.Month: n = CivilTime.DigitsUpTo(s, pos, 2, out month); break;
                case Op.Year4: n = CivilTime.DigitsUpTo(s, pos, 4, out year); break;
                case Op.Year2:
                    n = CivilTime.DigitsUpTo(s, pos, 2, out year);
                    year += year < 69 ? 2000 : 1900;
                    break;
                case Op.Hour: case Op.Hour12: n = CivilTime.DigitsUpTo(s, pos, 2, out hour); break;
                case Op.Minute: n = CivilTime.DigitsUpTo(s, pos, 2, out minute); break;
                case Op.Second: n = CivilTime.DigitsUpTo(s, pos, 2, out second); break;
                case Op.MonthName:
                    n = Letters(s, pos);
                    month = n >= 3 ? CivilTime.Month(s.Slice(pos, 3)) : 0;
                    if (month == 0)
                    {
                        return 0;
                    }

                    break;
                case Op.AmPm:
                    n = Letters(s, pos);
                    if (n != 2)
                    {
                        return 0;
                    }

                    pm = (s[pos] | 0x20) == 'p' ? 1 : 0;
                    break;
                case Op.Letters:
                    n = Letters(s, pos);
                    break;
                case Op.Zone:
                    n = CivilTime.Offset(s, pos, out offset);
                    break;
                case Op.Spaces:
                    n = 0;
                    while (pos + n < s.Length && (s[pos + n] == (byte)' ' || s[pos + n] == (byte)'\t'))
                    {
                        n++;
                    }

                    pos += n;
                    continue;
                default:
                    n = 0;
                    long v = 0;
                    while (pos + n < s.Length && n < 18 && (uint)(s[pos + n] - '0') <= 9)
                    {
                        v = (v * 10) + (s[pos + n] - '0');
                        n++;
                    }

                    epoch = v;
                    break;
            }

            if (n == 0)
            {
                return 0;
            }

            pos += n;
        }

        if (pm >= 0 && hour <= 12)
        {
            hour = (hour % 12) + (pm == 1 ? 12 : 0);
        }

        if (epoch >= 0)
        {
            time = new LogTime(epoch * CivilTime.NanosPerSecond, 0, CivilTime.NanosPerSecond);
            return pos;
        }

        if (!CivilTime.IsValid(year, month, day, hour, minute, second))
        {
            return 0;
        }

        if (!_hasZone)
        {
            offset = CivilTime.LocalOffsetMinutes(year, month, day, hour, minute, second);
        }

        time = new LogTime(CivilTime.ToUnixNanos(year, month, day, hour, minute, second, 0, offset), (short)offset, CivilTime.NanosPerSecond);
        return pos;
    }

    private static void Add(List<Item> items, Op a, Op b, Op c, byte separator)
    {
        items.Add(new Item(a, 0));
        items.Add(new Item(Op.Literal, separator));
        items.Add(new Item(b, 0));
        items.Add(new Item(Op.Literal, separator));
        items.Add(new Item(c, 0));
    }

    private static int Letters(ReadOnlySpan<byte> s, int pos)
    {
        var n = 0;
        while (pos + n < s.Length && (uint)((s[pos + n] | 0x20) - 'a') <= 'z' - 'a')
        {
            n++;
        }

        return n;
    }

    private readonly record struct Item(Op Op, byte Literal);
}
