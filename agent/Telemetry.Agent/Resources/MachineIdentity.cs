using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Telemetry.Agent.Resources;

/// <summary>
/// host.id: the systemd/D-Bus machine id on Linux (/etc/machine-id, else /var/lib/dbus/machine-id), the
/// MachineGuid registry value (HKLM\SOFTWARE\Microsoft\Cryptography, 64-bit view) on Windows.
/// </summary>
internal static partial class MachineIdentity
{
    internal static readonly string[] LinuxPaths = ["/etc/machine-id", "/var/lib/dbus/machine-id"];

    public static string? Read()
    {
        if (OperatingSystem.IsWindows())
        {
            return WindowsRegistry.ReadString(@"SOFTWARE\Microsoft\Cryptography", "MachineGuid");
        }

        return ReadFirst(LinuxPaths);
    }

    /// <summary>The first file of <paramref name="paths"/> that holds a machine id (trimmed, non-empty, not "uninitialized").</summary>
    internal static string? ReadFirst(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            try
            {
                var id = File.ReadAllText(path).Trim();
                if (id.Length > 0 && id != "uninitialized")
                {
                    return id;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Try the next location.
            }
        }

        return null;
    }
}
