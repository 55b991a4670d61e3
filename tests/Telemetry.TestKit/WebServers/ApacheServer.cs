using System.Globalization;

namespace Telemetry.TestKit.WebServers;

/// <summary>
/// Debian's real <c>/usr/sbin/apache2</c> on a free loopback port (and <c>[::1]</c> when asked), with a
/// private configuration in a temp dir and a custom <c>LogFormat</c>, in the foreground (<c>-X</c>, one
/// process). Fails when apache2 is not installed.
/// </summary>
public sealed class ApacheServer : WebServerProcess
{
    public const string DefaultBinary = "/usr/sbin/apache2";
    private const string Modules = "/usr/lib/apache2/modules";

    private ApacheServer(string logFormat, bool ipv6, string binary, string extraConfig)
        : base(binary, ipv6)
    {
        LogFormat = logFormat;
        ExtraConfig = extraConfig;
    }

    /// <summary>The format as written in apache2.conf (inner quotes escaped: <c>\"%r\"</c>).</summary>
    public string LogFormat { get; }

    /// <summary>Directives appended to the configuration (e.g. <c>LoadModule</c> and rewrite rules), or empty.</summary>
    public string ExtraConfig { get; }

    /// <summary>The configuration line that declares the format, as a user would paste it.</summary>
    public string LogFormatDirective => "LogFormat \"" + LogFormat + "\" custom";

    public static async Task<ApacheServer> StartAsync(string logFormat, bool ipv6 = false, string binary = DefaultBinary, string extraConfig = "")
    {
        var server = new ApacheServer(logFormat, ipv6, binary, extraConfig);
        try
        {
            var conf = server.Directory.Combine("apache2.conf");
            await File.WriteAllTextAsync(conf, server.Config());
            await server.LaunchAsync("-X -f " + conf);
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
        var user = IsRoot ? "User www-data\nGroup www-data\n" : string.Empty;
        return $"""
            ServerRoot "{dir}"
            ServerName localhost
            PidFile "{dir}/apache2.pid"
            DefaultRuntimeDir "{dir}"
            Mutex file:{dir} default
            LoadModule mpm_event_module {Modules}/mod_mpm_event.so
            LoadModule authz_core_module {Modules}/mod_authz_core.so
            LoadModule mime_module {Modules}/mod_mime.so
            LoadModule dir_module {Modules}/mod_dir.so
            {user}Listen 127.0.0.1:{port}
            {(Ipv6 ? "Listen [::1]:" + port : string.Empty)}
            ErrorLog "{dir}/error.log"
            LogLevel warn
            LogFormat "{LogFormat}" custom
            CustomLog "{dir}/access.log" custom
            DocumentRoot "{DocumentRoot}"
            DirectoryIndex index.html
            TypesConfig /etc/mime.types
            Timeout 5
            KeepAlive Off
            <Directory />
              Require all granted
            </Directory>
            {ExtraConfig}

            """;
    }
}
