using System.Globalization;
using System.Text;
using Telemetry.LoadGenerator.Traffic;

namespace Telemetry.LoadGenerator.Formats;

/// <summary>
/// Writes lines for any Apache <c>LogFormat</c> string built from the common mod_log_config directives:
/// <c>%h %a %A %l %u %t %{fmt}t %r %s %&gt;s %b %B %O %I %S %D %T %{ms|us|s}T %v %V %p %{canonical|local|remote}p
/// %m %U %q %H %f %P %k %X %L %R %{Header}i %{Header}o %{VAR}e %{VAR}n %{c}a %%</c>, with the
/// <c>&lt;</c>/<c>&gt;</c> and status-condition modifiers accepted and ignored.
/// </summary>
public sealed class ApacheLineFormatter(string logFormat) : TemplateLineFormatter(logFormat, Compile(logFormat))
{
    public const string Common = "%h %l %u %t \"%r\" %>s %b";
    public const string Combined = "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"";
    public const string VhostCombined = "%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"";

    /// <summary>combined plus virtual host, duration in microseconds and the request id header.</summary>
    public const string Timed = "%V %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\" %D \"%{X-Request-Id}i\"";

    public override string Server => "apache";

    public static string Preset(string name) => name switch
    {
        "common" => Common,
        "combined" => Combined,
        "vhost_combined" => VhostCombined,
        "timed" => Timed,
        _ => throw new LogFormatTextException($"--preset: unknown Apache preset '{name}' (common, combined, vhost_combined, timed)"),
    };

    private static LineTemplate Compile(string format)
    {
        var template = new LineTemplate();
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i];
            if (c != '%')
            {
                template.AddLiteral(c);
                i++;
                continue;
            }

            var column = i + 1;
            i++;
            if (i >= format.Length)
            {
                throw new LogFormatTextException($"LogFormat: dangling '%' at column {column}");
            }

            if (format[i] == '%')
            {
                template.AddLiteral('%');
                i++;
                continue;
            }

            // Modifiers: <, >, and status conditions like 400,501 or !200.
            while (i < format.Length && (format[i] is '<' or '>' or ',' or '!' || char.IsAsciiDigit(format[i])))
            {
                i++;
            }

            string? argument = null;
            if (i < format.Length && format[i] == '{')
            {
                var close = format.IndexOf('}', i);
                if (close < 0)
                {
                    throw new LogFormatTextException($"LogFormat: unclosed '{{' at column {i + 1}");
                }

                argument = format[(i + 1)..close];
                i = close + 1;
            }

            if (i >= format.Length)
            {
                throw new LogFormatTextException($"LogFormat: directive without a letter at column {column}");
            }

            var directive = format[i];
            i++;
            template.AddValue(Directive(directive, argument, column));
        }

        return template.Complete();
    }

    private static Func<GeneratedRequest, string> Directive(char directive, string? argument, int column) => directive switch
    {
        'h' or 'a' => r => r.Client,
        'A' => _ => "127.0.0.1",
        'l' => _ => "-",
        'u' => r => r.User ?? "-",
        't' => argument is null ? r => "[" + LogTimeText.Clf(r.Time) + "]" : TimeDirective(argument, column),
        'r' => r => Escape(r.RequestLine),
        's' => r => Int(r.Status),
        'b' => r => r.Bytes == 0 ? "-" : Int(r.Bytes),
        'B' => r => Int(r.Bytes),
        'O' => r => Int(r.Bytes + 180),
        'I' => r => Int(r.RequestBytes),
        'S' => r => Int(r.Bytes + 180 + r.RequestBytes),
        'D' => r => Int((long)Math.Round(r.DurationSeconds * 1_000_000)),
        'T' => argument switch
        {
            null or "s" => r => Int((long)r.DurationSeconds),
            "ms" => r => Int((long)Math.Round(r.DurationSeconds * 1000)),
            "us" => r => Int((long)Math.Round(r.DurationSeconds * 1_000_000)),
            _ => throw new LogFormatTextException($"LogFormat: %{{{argument}}}T at column {column}: unit must be s, ms or us"),
        },
        'v' or 'V' => r => r.VirtualHost,
        'p' => argument switch
        {
            null or "canonical" or "local" => r => Int(r.ServerPort),
            "remote" => r => Int(40000 + (r.Sequence % 20000)),
            _ => throw new LogFormatTextException($"LogFormat: %{{{argument}}}p at column {column}: must be canonical, local or remote"),
        },
        'm' => r => r.Method,
        'U' => r => r.Path,
        'q' => r => r.Query.Length == 0 ? string.Empty : "?" + r.Query,
        'H' => r => r.Protocol,
        'f' => r => "/var/www/html" + r.Path,
        'P' => _ => "4242",
        'k' => _ => "0",
        'X' => _ => "+",
        'L' or 'R' => _ => "-",
        'i' when argument is not null => RequestHeader(argument),
        'o' when argument is not null => argument.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) ? _ => "text/html" : _ => "-",
        'e' or 'n' when argument is not null => argument.Equals("UNIQUE_ID", StringComparison.OrdinalIgnoreCase) ? r => r.RequestId : _ => "-",
        'C' when argument is not null => _ => "-",
        _ => throw new LogFormatTextException($"LogFormat: unknown directive %{directive} at column {column}"),
    };

    private static Func<GeneratedRequest, string> RequestHeader(string name) => name.ToLowerInvariant() switch
    {
        "referer" => r => Escape(r.Referer),
        "user-agent" => r => Escape(r.UserAgent),
        "host" => r => r.VirtualHost,
        "x-request-id" => r => r.Rid,
        _ => _ => "-",
    };

    private static Func<GeneratedRequest, string> TimeDirective(string argument, int column)
    {
        if (argument is "sec" or "begin:sec" or "end:sec")
        {
            return r => Int(r.Time.ToUnixTimeSeconds());
        }

        if (argument is "msec" or "begin:msec" or "end:msec")
        {
            return r => Int(r.Time.ToUnixTimeMilliseconds());
        }

        if (argument is "usec" or "begin:usec" or "end:usec")
        {
            return r => Int(r.Time.ToUnixTimeMilliseconds() * 1000);
        }

        // strftime subset.
        var format = argument.StartsWith("begin:", StringComparison.Ordinal) || argument.StartsWith("end:", StringComparison.Ordinal)
            ? argument[(argument.IndexOf(':', StringComparison.Ordinal) + 1)..]
            : argument;
        for (var i = 0; i < format.Length - 1; i++)
        {
            if (format[i] == '%' && "dbYmyHMSzTFe%".IndexOf(format[i + 1], StringComparison.Ordinal) < 0)
            {
                throw new LogFormatTextException($"LogFormat: %{{{argument}}}t at column {column}: strftime %{format[i + 1]} is not supported");
            }

            if (format[i] == '%')
            {
                i++;
            }
        }

        return r => Strftime(format, r.Time.ToUniversalTime());
    }

    private static string Strftime(string format, DateTimeOffset t)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i == format.Length - 1)
            {
                sb.Append(format[i]);
                continue;
            }

            i++;
            sb.Append(format[i] switch
            {
                'd' => t.Day.ToString("00", CultureInfo.InvariantCulture),
                'e' => t.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2),
                'b' => LogTimeText.Month(t.Month),
                'Y' => t.Year.ToString("0000", CultureInfo.InvariantCulture),
                'y' => (t.Year % 100).ToString("00", CultureInfo.InvariantCulture),
                'm' => t.Month.ToString("00", CultureInfo.InvariantCulture),
                'H' => t.Hour.ToString("00", CultureInfo.InvariantCulture),
                'M' => t.Minute.ToString("00", CultureInfo.InvariantCulture),
                'S' => t.Second.ToString("00", CultureInfo.InvariantCulture),
                'T' => t.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                'F' => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                'z' => "+0000",
                _ => "%",
            });
        }

        return sb.ToString();
    }

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Apache escapes <c>"</c> and <c>\</c> in request line and header values.</summary>
    private static string Escape(string value) =>
        value.Contains('"', StringComparison.Ordinal) || value.Contains('\\', StringComparison.Ordinal)
            ? value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            : value;
}
