namespace Telemetry.Agent.Parsing;

/// <summary>
/// Compiles an Apache <c>LogFormat</c> string (mod_log_config) into a <see cref="TemplateFormat"/>. Every
/// directive of Apache 2.4 is known, with condition (<c>%400,501{User-agent}i</c>, <c>%!200i</c>) and
/// original/final (<c>%&lt;s</c>, <c>%&gt;s</c>) modifiers; the named formats <c>common</c>,
/// <c>combined</c>, <c>vhost_combined</c>, <c>referer</c> and <c>agent</c> work by name.
/// </summary>
internal static class ApacheFormatCompiler
{
    public const string Common = "%h %l %u %t \\\"%r\\\" %>s %b";
    public const string Combined = Common + " \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\"";
    public const string VhostCombined = "%v:%p %h %l %u %t \\\"%r\\\" %>s %O \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\"";

    private const string Prefix = "apache.";

    public static TemplateFormat Compile(string? logFormat)
    {
        var configured = string.IsNullOrWhiteSpace(logFormat) ? "combined" : logFormat.Trim();
        var named = configured switch
        {
            "common" => Common,
            "combined" => Combined,
            "vhost_combined" => VhostCombined,
            "referer" => "%{Referer}i -> %U",
            "agent" => "%{User-agent}i",
            _ => null,
        };
        var text = named is null ? FormatText.FromApache(logFormat!) : FormatText.Plain(named);
        return new TemplateFormat("apache", Steps(text));
    }

    private static List<TemplateStep> Steps(FormatText format)
    {
        var s = format.Text;
        var keys = new KeyAllocator();
        var steps = new TemplateStepList();
        var literal = steps.Literal;
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '\\' && i + 1 < s.Length)
            {
                literal.Append(s[i + 1] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', var other => other });
                if (s[i + 1] is not ('n' or 't' or 'r' or '"' or '\\'))
                {
                    literal.Insert(literal.Length - 1, '\\');
                }

                i += 2;
                continue;
            }

            if (c != '%')
            {
                literal.Append(c);
                i++;
                continue;
            }

            var start = i;
            i++;
            if (i < s.Length && s[i] == '%')
            {
                literal.Append('%');
                i++;
                continue;
            }

            string? arg = null;
            var final = true;
            while (i < s.Length)
            {
                var m = s[i];
                if (m is '!' or ',' || char.IsAsciiDigit(m))
                {
                    i++;
                }
                else if (m is '<' or '>')
                {
                    final = m == '>';
                    i++;
                }
                else if (m == '{')
                {
                    var close = s.IndexOf('}', i + 1);
                    if (close < 0)
                    {
                        throw new LogFormatException(
                            "unterminated %{ in Apache format at column " + format.Column(start), s[start..], format.Column(start));
                    }

                    arg = s[(i + 1)..close];
                    i = close + 1;
                }
                else
                {
                    break;
                }
            }

            if (i >= s.Length)
            {
                throw Unknown(s[start..], format.Column(start));
            }

            var letter = s[i].ToString();
            if (s[i] == '^' && i + 2 < s.Length)
            {
                letter = s.Substring(i, 3);
                i += 2;
            }

            i++;
            var written = s[start..i];
            var field = Directive(letter, arg, final, written, keys, format.Column(start)) ?? throw Unknown(written, format.Column(start));
            steps.AddField(field);
        }

        return steps.Finish("Apache");
    }

    private static LogFormatException Unknown(string written, int column) =>
        new("unknown Apache directive " + written + " at column " + column, written, column);

    private static FieldSpec? Directive(string letter, string? arg, bool final, string written, KeyAllocator keys, int column)
    {
        FieldSpec Str(string preferred, string fallback) =>
            new(FieldKind.String, written) { Key = keys.Take(preferred, Prefix + fallback), Escape = EscapeMode.Apache };
        FieldSpec Own(string name) => new(FieldKind.String, written) { Key = keys.Take(Prefix + name), Escape = EscapeMode.Apache };
        FieldSpec Int(string preferred, string fallback) => new(FieldKind.Int, written) { Key = keys.Take(preferred, Prefix + fallback) };
        FieldSpec Duration(double scale) =>
            new(FieldKind.Duration, written) { Key = keys.Take(AttributeKeys.Duration.Name, Prefix + "duration"), Scale = scale };
        bool Needs() => !string.IsNullOrEmpty(arg);

        return letter switch
        {
            "h" when arg == "c" => Str(AttributeKeys.PeerAddress.Name, "peer_host"),
            "h" => Str(AttributeKeys.ClientAddress.Name, "remote_host"),
            "a" when arg == "c" => Str(AttributeKeys.PeerAddress.Name, "peer_ip"),
            "a" => Str(AttributeKeys.ClientAddress.Name, "remote_ip"),
            "A" => Str(AttributeKeys.LocalAddress.Name, "local_ip"),
            "b" or "B" => Int(AttributeKeys.ResponseBodySize.Name, "body_bytes"),
            "C" when Needs() => Own("cookie." + arg),
            "D" => Duration(1e-6),
            "e" when Needs() => Own("env." + arg),
            "f" => Own("filename"),
            "H" => new FieldSpec(FieldKind.Protocol, written)
            {
                Request = RequestKeys.ForProtocol(keys, Prefix, Prefix + "protocol"),
                Escape = EscapeMode.Apache,
            },
            "i" when Needs() => Str(AttributeKeys.ForRequestHeader(arg!), "request_header." + arg!.ToLowerInvariant()),
            "I" => Int(AttributeKeys.RequestSize.Name, "bytes_received"),
            "k" => Int(Prefix + "keepalive_requests", "keepalive_requests"),
            "l" => Own("remote_logname"),
            "L" => Own("log_id"),
            "m" => Str(AttributeKeys.Method.Name, "method"),
            "n" when Needs() => Own("note." + arg),
            "o" when Needs() => Str(AttributeKeys.ForResponseHeader(arg!), "response_header." + arg!.ToLowerInvariant()),
            "O" => Int(AttributeKeys.ResponseSize.Name, "bytes_sent"),
            "p" when arg is null or "canonical" or "local" => Int(AttributeKeys.ServerPort.Name, "port"),
            "p" when arg == "remote" => Int(AttributeKeys.ClientPort.Name, "remote_port"),
            "P" when arg is null or "pid" => Int(Prefix + "pid", "pid"),
            "P" when arg == "tid" => Int(Prefix + "tid", "tid"),
            "P" when arg == "hextid" => Own("tid"),
            "q" => new FieldSpec(FieldKind.Query, written)
            {
                Key = keys.Take(AttributeKeys.UrlQuery.Name, Prefix + "query"),
                Escape = EscapeMode.Apache,
            },
            "r" => new FieldSpec(FieldKind.RequestLine, written)
            {
                Request = RequestKeys.ForRequestLine(keys, Prefix, Prefix + "request_line"),
                Escape = EscapeMode.Apache,
            },
            "R" => Own("handler"),
            "s" when final => Int(AttributeKeys.StatusCode.Name, "status"),
            "s" => Int(Prefix + "original_status", "original_status"),
            "S" => Int(Prefix + "bytes_transferred", "bytes_transferred"),
            "t" => Time(arg, written, column),
            "T" when arg is null or "s" => Duration(1),
            "T" when arg == "ms" => Duration(1e-3),
            "T" when arg == "us" => Duration(1e-6),
            "u" => Str(AttributeKeys.UserName.Name, "remote_user"),
            "U" => Str(AttributeKeys.UrlPath.Name, "url_path"),
            "v" => Str(AttributeKeys.ServerAddress.Name, "server_name"),
            "V" => Str(AttributeKeys.ServerAddress.Name, "request_server_name"),
            "X" => Own("connection_status"),
            "^ti" when Needs() => Own("request_trailer." + arg!.ToLowerInvariant()),
            "^to" when Needs() => Own("response_trailer." + arg!.ToLowerInvariant()),
            _ => null,
        };
    }

    private static FieldSpec Time(string? arg, string written, int column)
    {
        if (arg is null)
        {
            return new FieldSpec(FieldKind.ClfTimeBracketed, written);
        }

        var format = arg;
        if (format.StartsWith("begin:", StringComparison.Ordinal))
        {
            format = format[6..];
        }
        else if (format.StartsWith("end:", StringComparison.Ordinal))
        {
            format = format[4..];
        }

        return format switch
        {
            "sec" => new FieldSpec(FieldKind.EpochTime, written) { UnitNanos = CivilTime.NanosPerSecond },
            "msec" => new FieldSpec(FieldKind.EpochTime, written) { UnitNanos = 1_000_000 },
            "usec" => new FieldSpec(FieldKind.EpochTime, written) { UnitNanos = 1_000 },
            "msec_frac" => new FieldSpec(FieldKind.TimeFraction, written) { UnitNanos = 1_000_000 },
            "usec_frac" => new FieldSpec(FieldKind.TimeFraction, written) { UnitNanos = 1_000 },
            _ => new FieldSpec(FieldKind.StrftimeTime, written)
            {
                Pattern = StrftimePattern.Compile(format, (conv, _) => new LogFormatException(
                    "unknown strftime conversion " + conv + " in Apache directive " + written + " at column " + column, written, column)),
            },
        };
    }
}
