using System.Globalization;
using System.Text;
using Telemetry.LoadGenerator.Traffic;

namespace Telemetry.LoadGenerator.Formats;

/// <summary>
/// Writes IIS W3C extended log lines for a <c>#Fields:</c> list, with the directives IIS writes at the
/// top of each file. Values never contain spaces: IIS writes a space in a user agent as <c>+</c> and an
/// empty value as <c>-</c>. Times are UTC, as IIS writes them.
/// </summary>
public sealed class IisW3cLineFormatter : ILineFormatter
{
    /// <summary>The fields IIS 10 logs by default.</summary>
    public const string Default = "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken";

    /// <summary>Default plus site, host, bytes and version.</summary>
    public const string Extended = "date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs-version cs(User-Agent) cs(Referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken";

    private readonly Func<GeneratedRequest, string>[] _fields;

    public IisW3cLineFormatter(string fields)
    {
        LogFormat = fields;
        var names = fields.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        _fields = new Func<GeneratedRequest, string>[names.Length];
        var column = 1;
        for (var i = 0; i < names.Length; i++)
        {
            column = fields.IndexOf(names[i], column - 1, StringComparison.Ordinal) + 1;
            _fields[i] = Field(names[i], column);
        }
    }

    public string Server => "iis";

    public string LogFormat { get; }

    public static string Preset(string name) => name switch
    {
        "default" or "w3c" => Default,
        "extended" or "timed" => Extended,
        _ => throw new LogFormatTextException($"--preset: unknown IIS preset '{name}' (default, extended)"),
    };

    public string FileHeader(DateTimeOffset now) =>
        "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: "
        + now.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
        + "\n#Fields: " + LogFormat + "\n";

    public string Format(GeneratedRequest request)
    {
        var sb = new StringBuilder(256);
        for (var i = 0; i < _fields.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }

            sb.Append(_fields[i](request));
        }

        return sb.ToString();
    }

    private static Func<GeneratedRequest, string> Field(string name, int column) => name switch
    {
        "date" => r => r.Time.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        "time" => r => r.Time.ToUniversalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture),
        "s-sitename" => _ => "W3SVC1",
        "s-computername" => _ => "WEB-1",
        "s-ip" => _ => "10.0.0.5",
        "cs-method" => r => r.Method,
        "cs-uri-stem" => r => r.Path,
        "cs-uri-query" => r => r.Query.Length == 0 ? "-" : r.Query,
        "s-port" => r => Int(r.ServerPort),
        "cs-username" => r => r.User ?? "-",
        "c-ip" => r => r.Client,
        "cs-version" => r => r.Protocol,
        "cs(User-Agent)" => r => r.UserAgent.Replace(' ', '+'),
        "cs(Referer)" => r => r.Referer.Replace(' ', '+'),
        "cs(Cookie)" => _ => "-",
        "cs-host" => r => r.VirtualHost,
        "sc-status" => r => Int(r.Status),
        "sc-substatus" or "sc-win32-status" => _ => "0",
        "sc-bytes" => r => Int(r.Bytes + 180),
        "cs-bytes" => r => Int(r.RequestBytes),
        "time-taken" => r => Int((long)Math.Round(r.DurationSeconds * 1000)),
        _ when name.StartsWith("cs(", StringComparison.Ordinal) || name.StartsWith("sc(", StringComparison.Ordinal) => _ => "-",
        _ => throw new LogFormatTextException($"#Fields: unknown field {name} at column {column}"),
    };

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);
}
