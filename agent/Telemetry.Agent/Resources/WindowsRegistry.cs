using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Telemetry.Agent.Resources;

/// <summary>Reads a REG_SZ value under HKEY_LOCAL_MACHINE with RegGetValueW (64-bit view), without Microsoft.Win32.Registry.</summary>
[SupportedOSPlatform("windows")]
internal static unsafe partial class WindowsRegistry
{
    private static readonly nint HkeyLocalMachine = unchecked((nint)(int)0x80000002);
    private const uint RrfRtRegSz = 0x00000002;
    private const uint RrfSubkeyWow6464Key = 0x00010000;

    [LibraryImport("advapi32.dll", StringMarshalling = StringMarshalling.Utf16)]
    private static partial int RegGetValueW(nint key, string subKey, string value, uint flags, out uint type, char* data, ref uint dataBytes);

    public static string? ReadString(string subKey, string value)
    {
        var buffer = stackalloc char[512];
        uint bytes = 512 * sizeof(char);
        var status = RegGetValueW(HkeyLocalMachine, subKey, value, RrfRtRegSz | RrfSubkeyWow6464Key, out _, buffer, ref bytes);
        if (status != 0 || bytes < sizeof(char))
        {
            return null;
        }

        var text = new ReadOnlySpan<char>(buffer, (int)(bytes / sizeof(char))).TrimEnd('\0');
        return text.IsEmpty ? null : new string(text);
    }
}
