using System.Globalization;

namespace Telemetry.LoadGenerator.Formats;

/// <summary>The time stamps access logs print.</summary>
public static class LogTimeText
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>Common Log Format: <c>23/Nov/2026:11:22:33 +0000</c> (always UTC).</summary>
    public static string Clf(DateTimeOffset time)
    {
        var t = time.ToUniversalTime();
        return string.Create(CultureInfo.InvariantCulture, $"{t.Day:00}/{Months[t.Month - 1]}/{t.Year:0000}:{t.Hour:00}:{t.Minute:00}:{t.Second:00} +0000");
    }

    /// <summary>ISO 8601 as nginx <c>$time_iso8601</c> prints it: <c>2026-11-23T11:22:33+00:00</c>.</summary>
    public static string Iso8601(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);

    /// <summary>Seconds since the epoch with milliseconds (nginx <c>$msec</c>).</summary>
    public static string Msec(DateTimeOffset time) =>
        (time.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);

    public static string Month(int month) => Months[month - 1];
}
