using System.Globalization;

namespace Telemetry.TestKit.WebServers;

/// <summary>
/// Debian's real <c>/usr/sbin/nginx</c> on a free loopback port (and <c>[::1]</c> when asked), with a private
/// configuration, pid and temp paths in a temp dir and a custom <c>log_format</c>
/// (<c>nginx -p dir -c conf -g 'daemon off;'</c>). Fails when nginx is not installed.
/// </summary>
public sealed class NginxServer : WebServerProcess
{
    public const string DefaultBinary = "/usr/sbin/nginx";

    private NginxServer(string logFormat, string escape, bool ipv6, string binary, string serverConfig)
        : base(binary, ipv6)
    {
        LogFormat = logFormat;
        Escape = escape;
        ServerConfig = serverConfig;
    }

    /// <summary>The <c>log_format</c> string (what goes inside the quotes).</summary>
    public string LogFormat { get; }

    /// <summary><c>default</c>, <c>json</c> or <c>none</c>.</summary>
    public string Escape { get; }

    /// <summary>Directives added to the <c>server</c> block (e.g. <c>location</c> rules), or empty.</summary>
    public string ServerConfig { get; }

    /// <summary>The <c>log_format</c> directive as it stands in nginx.conf, as a user would paste it.</summary>
    public string LogFormatDirective =>
        "log_format custom escape=" + Escape + " '" + LogFormat.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "';";

    public static async Task<NginxServer> StartAsync(string logFormat, string escape = "default", bool ipv6 = false, string binary = DefaultBinary, string serverConfig = "")
    {
        var server = new NginxServer(logFormat, escape, ipv6, binary, serverConfig);
        try
        {
            var conf = server.Directory.Combine("nginx.conf");
            System.IO.Directory.CreateDirectory(server.Directory.Combine("tmp"));
            await File.WriteAllTextAsync(conf, server.Config());
            await server.LaunchAsync($"-p {server.Directory.Path} -c {conf} -e {server.ErrorLogPath} -g \"daemon off;\"");
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private string Config()
    {
        var dir = Directory.Path;
        var port = Port.ToString(CultureInfo.InvariantCulture);
        return $$"""
            {{(IsRoot ? "user root root;" : string.Empty)}}
            worker_processes 1;
            error_log {{dir}}/error.log warn;
            pid {{dir}}/nginx.pid;
            events { worker_connections 64; }
            http {
              client_body_temp_path {{dir}}/tmp/body;
              proxy_temp_path {{dir}}/tmp/proxy;
              fastcgi_temp_path {{dir}}/tmp/fastcgi;
              uwsgi_temp_path {{dir}}/tmp/uwsgi;
              scgi_temp_path {{dir}}/tmp/scgi;
              {{LogFormatDirective}}
              access_log {{dir}}/access.log custom;
              server {
                listen 127.0.0.1:{{port}};
                {{(Ipv6 ? "listen [::1]:" + port + ";" : string.Empty)}}
                server_name localhost;
                root {{DocumentRoot}};
                keepalive_timeout 0;
                client_header_timeout 5s;
                {{ServerConfig}}
              }
            }

            """;
    }
}
