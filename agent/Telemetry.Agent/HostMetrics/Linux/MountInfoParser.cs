namespace Telemetry.Agent.HostMetrics.Linux;

/// <summary>One accepted line of /proc/self/mountinfo.</summary>
internal struct MountEntry
{
    /// <summary>major:minor of the mounted device, (major &lt;&lt; 32) | minor; bind mounts share it.</summary>
    public long DeviceNumber;

    /// <summary>Whether the whole filesystem is mounted here (root field "/"), not a bind mount of a subdirectory.</summary>
    public bool IsRootOfFilesystem;

    public string MountPoint;
    public string Type;
    public string Source;
}

/// <summary>
/// Parses /proc/self/mountinfo (<c>id parent major:minor root mount_point options [optional...] - type source
/// super_options</c>), decoding the kernel's octal escapes (<c>\040</c> space, <c>\011</c> tab, <c>\012</c>
/// newline, <c>\134</c> backslash), keeping mounts that <see cref="FilesystemFilter"/> accepts and one mount per
/// device (the whole-filesystem mount with the shortest path, as df shows it).
/// </summary>
internal static class MountInfoParser
{
    public static void Parse(ReadOnlySpan<byte> text, NameTable names, List<MountEntry> mounts)
    {
        Span<byte> decoded = stackalloc byte[4096];
        while (FieldReader.TryNextLine(ref text, out var line))
        {
            var fields = new FieldReader(line);
            if (!fields.Skip(2) || !fields.TryNext(out var majorMinor) || !fields.TryNext(out var root)
                || !fields.TryNext(out var mountPointRaw))
            {
                continue;
            }

            // Optional fields end at a lone "-".
            var found = false;
            while (fields.TryNext(out var field))
            {
                if (field.Length == 1 && field[0] == (byte)'-')
                {
                    found = true;
                    break;
                }
            }

            if (!found || !fields.TryNext(out var type) || !fields.TryNext(out var source))
            {
                continue;
            }

            if (FilesystemFilter.IsExcludedType(type) || !TryParseDeviceNumber(majorMinor, out var device))
            {
                continue;
            }

            var length = Unescape(mountPointRaw, decoded);
            if (length < 0 || FilesystemFilter.IsExcludedMountPoint(decoded[..length]))
            {
                continue;
            }

            var isRoot = root.Length == 1 && root[0] == (byte)'/';
            var entry = new MountEntry
            {
                DeviceNumber = device,
                IsRootOfFilesystem = isRoot,
                MountPoint = names.Get(decoded[..length]),
                Type = names.Get(type),
                Source = names.Get(decoded[..Math.Max(0, Unescape(source, decoded))]),
            };
            AddOrPrefer(mounts, entry);
        }
    }

    /// <summary>Decodes <c>\ooo</c> octal escapes into <paramref name="destination"/>; -1 when it does not fit.</summary>
    public static int Unescape(ReadOnlySpan<byte> raw, Span<byte> destination)
    {
        var written = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (written == destination.Length)
            {
                return -1;
            }

            var b = raw[i];
            if (b == (byte)'\\' && i + 3 < raw.Length && IsOctal(raw[i + 1]) && IsOctal(raw[i + 2]) && IsOctal(raw[i + 3]))
            {
                destination[written++] = (byte)(((raw[i + 1] - '0') << 6) | ((raw[i + 2] - '0') << 3) | (raw[i + 3] - '0'));
                i += 3;
            }
            else
            {
                destination[written++] = b;
            }
        }

        return written;
    }

    private static void AddOrPrefer(List<MountEntry> mounts, in MountEntry entry)
    {
        for (var i = 0; i < mounts.Count; i++)
        {
            var existing = mounts[i];
            if (existing.DeviceNumber != entry.DeviceNumber)
            {
                continue;
            }

            var better = (entry.IsRootOfFilesystem && !existing.IsRootOfFilesystem)
                || (entry.IsRootOfFilesystem == existing.IsRootOfFilesystem && entry.MountPoint.Length < existing.MountPoint.Length);
            if (better)
            {
                mounts[i] = entry;
            }

            return;
        }

        mounts.Add(entry);
    }

    private static bool TryParseDeviceNumber(ReadOnlySpan<byte> majorMinor, out long device)
    {
        device = 0;
        var colon = majorMinor.IndexOf((byte)':');
        if (colon <= 0 || !FieldReader.TryParseInt64(majorMinor[..colon], out var major)
            || !FieldReader.TryParseInt64(majorMinor[(colon + 1)..], out var minor))
        {
            return false;
        }

        device = (major << 32) | minor;
        return true;
    }

    private static bool IsOctal(byte b) => b is >= (byte)'0' and <= (byte)'7';
}
