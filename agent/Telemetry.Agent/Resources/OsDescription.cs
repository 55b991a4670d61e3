using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Telemetry.Agent.Resources;

/// <summary>
/// os.description. Linux: PRETTY_NAME of /etc/os-release (else /usr/lib/os-release) and the kernel release,
/// e.g. <c>Debian GNU/Linux 12 (bookworm), kernel 6.1.0-18-amd64</c>. Windows: the registry ProductName and the
/// true version from RtlGetVersion (GetVersionEx lies to unmanifested programs), e.g.
/// <c>Windows Server 2022 Datacenter 10.0.20348</c>.
/// </summary>
internal static partial class OsDescription
{
    public static string Read()
    {
        if (OperatingSystem.IsWindows())
        {
            return ReadWindows();
        }

        var pretty = ReadPrettyName("/etc/os-release") ?? ReadPrettyName("/usr/lib/os-release");
        string? kernel = null;
        try
        {
            kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not Linux procfs: describe what the runtime knows.
        }

        return Compose(pretty, kernel) ?? RuntimeInformation.OSDescription;
    }

    internal static string? Compose(string? prettyName, string? kernel) => (prettyName, kernel) switch
    {
        (not null, not null) => $"{prettyName}, kernel {kernel}",
        (not null, null) => prettyName,
        (null, not null) => $"Linux, kernel {kernel}",
        _ => null,
    };

    internal static string? ReadPrettyName(string path)
    {
        try
        {
            return ParsePrettyName(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The PRETTY_NAME value of an os-release file, unquoted (shell-style single or double quotes, backslash escapes).</summary>
    internal static string? ParsePrettyName(string osRelease)
    {
        foreach (var rawLine in osRelease.Split('\n'))
        {
            var line = rawLine.Trim();
            if (!line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
            {
                continue;
            }

            var value = line["PRETTY_NAME=".Length..];
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                var quote = value[0];
                value = value[1..^1];
                if (quote == '"')
                {
                    value = value.Replace("\\\"", "\"").Replace("\\$", "$").Replace("\\`", "`").Replace("\\\\", "\\");
                }
            }

            return value.Length > 0 ? value : null;
        }

        return null;
    }

    [SupportedOSPlatform("windows")]
    private static string ReadWindows()
    {
        var product = WindowsRegistry.ReadString(@"SOFTWARE\Microsoft\Windows NT\CurrentVersion", "ProductName");
        var info = new OsVersionInfo { Size = (uint)Marshal.SizeOf<OsVersionInfo>() };
        var version = RtlGetVersion(ref info) == 0 ? $"{info.MajorVersion}.{info.MinorVersion}.{info.BuildNumber}" : null;
        return (product, version) switch
        {
            (not null, not null) => $"{product} {version}",
            (null, not null) => $"Microsoft Windows {version}",
            (not null, null) => product,
            _ => RuntimeInformation.OSDescription,
        };
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct OsVersionInfo
    {
        public uint Size;
        public uint MajorVersion;
        public uint MinorVersion;
        public uint BuildNumber;
        public uint PlatformId;
        public fixed char CsdVersion[128];
    }

    [SupportedOSPlatform("windows")]
    [LibraryImport("ntdll.dll")]
    private static partial int RtlGetVersion(ref OsVersionInfo versionInformation);
}
