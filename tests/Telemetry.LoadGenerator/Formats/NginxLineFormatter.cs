using System.Globalization;
using Telemetry.LoadGenerator.Traffic;

namespace Telemetry.LoadGenerator.Formats;

/// <summary>
/// Writes lines for any nginx <c>log_format</c> string over the common variables
/// (<c>$remote_addr $remote_user $time_local $time_iso8601 $msec $request $status $body_bytes_sent
/// $bytes_sent $request_length $request_time $upstream_response_time $request_id $host $server_name
/// $server_port $request_method $request_uri $uri $args $query_string $server_protocol $scheme
/// $http_*</c> ...), both as <c>$name</c> and <c>${name}</c>.
/// </summary>
public sealed class NginxLineFormatter(string logFormat) : TemplateLineFormatter(logFormat, Compile(logFormat))
{
    public const string Combined = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";

    /// <summary>combined plus request time, request id and virtual host.</summary>
    public const string Timed = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_time $request_id $host";

    public override string Server => "nginx";

    public static string Preset(string name) => name switch
    {
        "combined" => Combined,
        "timed" => Timed,
        _ => throw new LogFormatTextException($"--preset: unknown nginx preset '{name}' (combined, timed)"),
    };

    private static LineTemplate Compile(string format)
    {
        var template = new LineTemplate();
        var i = 0;
        while (i < format.Length)
        {
            if (format[i] != '$')
            {
                template.AddLiteral(format[i]);
                i++;
                continue;
            }

            var column = i + 1;
            i++;
            string name;
            if (i < format.Length && format[i] == '{')
            {
                var close = format.IndexOf('}', i);
                if (close < 0)
                {
                    throw new LogFormatTextException($"log_format: unclosed '${{' at column {column}");
                }

                name = format[(i + 1)..close];
                i = close + 1;
            }
            else
            {
                var start = i;
                while (i < format.Length && (char.IsAsciiLetterOrDigit(format[i]) || format[i] == '_'))
                {
                    i++;
                }

                name = format[start..i];
            }

            if (name.Length == 0)
            {
                throw new LogFormatTextException($"log_format: '$' without a variable name at column {column}");
            }

            template.AddValue(Variable(name, column));
        }

        return template.Complete();
    }

    private static Func<GeneratedRequest, string> Variable(string name, int column) => name switch
    {
        "remote_addr" or "realip_remote_addr" or "binary_remote_addr" => r => r.Client,
        "remote_user" => r => r.User ?? "-",
        "time_local" => r => LogTimeText.Clf(r.Time),
        "time_iso8601" => r => LogTimeText.Iso8601(r.Time),
        "msec" => r => LogTimeText.Msec(r.Time),
        "request" => r => r.RequestLine,
        "status" => r => Int(r.Status),
        "body_bytes_sent" => r => Int(r.Bytes),
        "bytes_sent" => r => Int(r.Bytes + 180),
        "request_length" => r => Int(r.RequestBytes),
        "request_time" => r => Seconds(r.DurationSeconds),
        "upstream_response_time" => r => Seconds(Math.Max(0, r.DurationSeconds - 0.001)),
        "request_id" => r => r.RequestId,
        "host" or "server_name" or "http_host" => r => r.VirtualHost,
        "server_port" => r => Int(r.ServerPort),
        "server_addr" => _ => "127.0.0.1",
        "request_method" => r => r.Method,
        "request_uri" => r => r.Target,
        "uri" or "document_uri" => r => r.Path,
        "args" or "query_string" => r => r.Query,
        "is_args" => r => r.Query.Length == 0 ? string.Empty : "?",
        "server_protocol" => r => r.Protocol,
        "scheme" => _ => "http",
        "connection" => r => Int(r.Sequence + 1),
        "connection_requests" => _ => "1",
        "pid" => _ => "4242",
        "hostname" => _ => "web-1",
        "http_referer" => r => r.Referer,
        "http_user_agent" => r => r.UserAgent,
        "http_x_request_id" => r => r.Rid,
        "pipe" => _ => ".",
        "gzip_ratio" => _ => "-",
        _ when name.StartsWith("http_", StringComparison.Ordinal) || name.StartsWith("sent_http_", StringComparison.Ordinal)
            || name.StartsWith("upstream_", StringComparison.Ordinal) || name.StartsWith("ssl_", StringComparison.Ordinal)
            || name.StartsWith("cookie_", StringComparison.Ordinal) || name.StartsWith("arg_", StringComparison.Ordinal) => _ => "-",
        _ => throw new LogFormatTextException($"log_format: unknown variable ${name} at column {column}"),
    };

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
