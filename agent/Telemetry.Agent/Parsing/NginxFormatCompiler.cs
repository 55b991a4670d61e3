namespace Telemetry.Agent.Parsing;

/// <summary>
/// Compiles an nginx <c>log_format</c> string (<c>$var</c> and <c>${var}</c>) into a <see cref="TemplateFormat"/>,
/// honouring <c>escape=default|json|none</c>. Known variables are nginx's core, HTTP and common module
/// variables and the <c>$http_*</c>, <c>$sent_http_*</c>, <c>$upstream_*</c>, <c>$cookie_*</c>, <c>$arg_*</c>,
/// <c>$ssl_*</c> families; anything else is a configuration error.
/// </summary>
internal static class NginxFormatCompiler
{
    public const string Combined =
        "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";

    private const string Prefix = "nginx.";

    private static readonly HashSet<string> PlainStrings = new(StringComparer.Ordinal)
    {
        "binary_remote_addr", "content_type", "document_root", "realpath_root", "request_filename", "hostname",
        "is_args", "nginx_version", "pipe", "proxy_add_x_forwarded_for", "proxy_host", "proxy_port",
        "proxy_protocol_addr", "proxy_protocol_port", "proxy_protocol_server_addr", "proxy_protocol_server_port",
        "realip_remote_addr", "realip_remote_port", "request_body", "request_body_file", "request_completion",
        "request_id", "limit_rate", "gzip_ratio", "tcpinfo_rtt", "tcpinfo_rttvar", "tcpinfo_snd_cwnd",
        "tcpinfo_rcv_space", "time_local_msec", "date_local", "date_gmt", "fastcgi_script_name", "fastcgi_path_info",
        "invalid_referer", "secure_link", "secure_link_expires", "uid_got", "uid_set", "uid_reset", "server_addr_port",
        "limit_req_status", "limit_conn_status", "mirror", "auth_basic_user", "upstream_addr", "upstream_status",
        "upstream_response_time", "upstream_connect_time", "upstream_header_time", "upstream_response_length",
        "upstream_bytes_received", "upstream_bytes_sent", "upstream_cache_status", "upstream_first_byte_time",
        "upstream_queue_time", "upstream_session_time", "upstream_trailer", "geoip_country_code", "content_length",
    };

    private static readonly string[] Families =
    [
        "arg_", "cookie_", "upstream_http_", "upstream_cookie_", "upstream_trailer_", "sent_trailer_", "ssl_", "geoip_",
        "geoip2_", "jwt_", "proxy_protocol_tlv_", "realip_", "spdy_", "http2", "http3", "quic", "limit_",
    ];

    public static TemplateFormat Compile(string? logFormat)
    {
        var configured = string.IsNullOrWhiteSpace(logFormat) ? "combined" : logFormat.Trim();
        var text = configured switch
        {
            "combined" => FormatText.Plain(Combined),
            "main" => FormatText.Plain(Combined + " \"$http_x_forwarded_for\""),
            _ => FormatText.FromNginx(logFormat!),
        };
        var escape = text.Escape switch
        {
            null or "default" => EscapeMode.Nginx,
            "json" => EscapeMode.Json,
            "none" => EscapeMode.None,
            var other => throw new LogFormatException("unknown nginx escape=" + other + " (default, json or none)", "escape=" + other, 0),
        };
        return new TemplateFormat("nginx", Steps(text, escape));
    }

    private static List<TemplateStep> Steps(FormatText format, EscapeMode escape)
    {
        var s = format.Text;
        var keys = new KeyAllocator();
        var steps = new TemplateStepList();
        var literal = steps.Literal;
        var i = 0;
        while (i < s.Length)
        {
            if (s[i] != '$')
            {
                literal.Append(s[i++]);
                continue;
            }

            var start = i;
            string name;
            if (i + 1 < s.Length && s[i + 1] == '{')
            {
                var close = s.IndexOf('}', i + 2);
                if (close < 0)
                {
                    throw new LogFormatException("unterminated ${ in nginx format at column " + format.Column(start), s[start..], format.Column(start));
                }

                name = s[(i + 2)..close];
                i = close + 1;
            }
            else
            {
                var j = i + 1;
                while (j < s.Length && (char.IsAsciiLetterOrDigit(s[j]) || s[j] == '_'))
                {
                    j++;
                }

                if (j == i + 1)
                {
                    literal.Append('$');
                    i++;
                    continue;
                }

                name = s[(i + 1)..j];
                i = j;
            }

            var written = s[start..i];
            var field = Variable(name, written, keys, escape)
                ?? throw new LogFormatException(
                    "unknown nginx variable " + written + " at column " + format.Column(start), written, format.Column(start));
            steps.AddField(field);
        }

        return steps.Finish("nginx");
    }

    private static FieldSpec? Variable(string name, string written, KeyAllocator keys, EscapeMode escape)
    {
        FieldSpec Str(string preferred) =>
            new(FieldKind.String, written) { Key = keys.Take(preferred, Prefix + name), Escape = escape };
        FieldSpec Int(string preferred) => new(FieldKind.Int, written) { Key = keys.Take(preferred, Prefix + name), Escape = escape };

        switch (name)
        {
            case "remote_addr": return Str(AttributeKeys.ClientAddress.Name);
            case "remote_port": return Int(AttributeKeys.ClientPort.Name);
            case "remote_user": return Str(AttributeKeys.UserName.Name);
            case "time_local": return new FieldSpec(FieldKind.ClfTime, written);
            case "time_iso8601": return new FieldSpec(FieldKind.Iso8601Time, written);
            case "msec": return new FieldSpec(FieldKind.EpochTime, written) { UnitNanos = CivilTime.NanosPerSecond };
            case "request":
                return new FieldSpec(FieldKind.RequestLine, written)
                {
                    Request = RequestKeys.ForRequestLine(keys, Prefix, Prefix + "request"),
                    Escape = escape,
                };
            case "request_method": return Str(AttributeKeys.Method.Name);
            case "request_uri":
                return new FieldSpec(FieldKind.Target, written)
                {
                    Request = RequestKeys.ForTarget(keys, Prefix, Prefix + "request_uri"),
                    Escape = escape,
                };
            case "uri" or "document_uri": return Str(AttributeKeys.UrlPath.Name);
            case "args" or "query_string":
                return new FieldSpec(FieldKind.Query, written) { Key = keys.Take(AttributeKeys.UrlQuery.Name, Prefix + name), Escape = escape };
            case "status": return Int(AttributeKeys.StatusCode.Name);
            case "body_bytes_sent": return Int(AttributeKeys.ResponseBodySize.Name);
            case "bytes_sent": return Int(AttributeKeys.ResponseSize.Name);
            case "request_length": return Int(AttributeKeys.RequestSize.Name);
            case "request_time":
                return new FieldSpec(FieldKind.Duration, written) { Key = keys.Take(AttributeKeys.Duration.Name, Prefix + name), Escape = escape };
            case "host" or "server_name": return Str(AttributeKeys.ServerAddress.Name);
            case "server_port": return Int(AttributeKeys.ServerPort.Name);
            case "server_addr": return Str(AttributeKeys.LocalAddress.Name);
            case "scheme": return Str(AttributeKeys.UrlScheme.Name);
            case "server_protocol":
                return new FieldSpec(FieldKind.Protocol, written)
                {
                    Request = RequestKeys.ForProtocol(keys, Prefix, Prefix + "server_protocol"),
                    Escape = escape,
                };
            case "connection" or "connection_requests" or "pid" or "connections_active" or "connections_reading"
                or "connections_writing" or "connections_waiting":
                return Int(Prefix + name);
            case "http_referer": return Str(AttributeKeys.Referer.Name);
            case "http_user_agent": return Str(AttributeKeys.UserAgent.Name);
        }

        if (name.StartsWith("http_", StringComparison.Ordinal) && name.Length > 5)
        {
            return Str(AttributeKeys.ForRequestHeader(name[5..].Replace('_', '-')));
        }

        if (name.StartsWith("sent_http_", StringComparison.Ordinal) && name.Length > 10)
        {
            return Str(AttributeKeys.ForResponseHeader(name[10..].Replace('_', '-')));
        }

        if (PlainStrings.Contains(name))
        {
            return new FieldSpec(FieldKind.String, written) { Key = keys.Take(Prefix + name), Escape = escape };
        }

        foreach (var family in Families)
        {
            if (name.StartsWith(family, StringComparison.Ordinal) && name.Length > family.Length)
            {
                return new FieldSpec(FieldKind.String, written) { Key = keys.Take(Prefix + name), Escape = escape };
            }
        }

        return null;
    }
}
