namespace Telemetry.Agent.HostMetrics.Linux;

/// <summary>
/// Which mounts are published. Skipped: pseudo and virtual filesystems that hold no user data (proc, sysfs,
/// cgroup, devtmpfs, tmpfs, overlay roots of containers, ...), read-only images that are always full (squashfs
/// snaps, iso9660, erofs), and network filesystems (nfs, cifs, ...) because statvfs on a dead server blocks the
/// caller for minutes. Mount points under /proc, /sys, /dev and container storage are skipped as well.
/// The type list starts from Prometheus node_exporter's default and adds tmpfs/ramfs and network filesystems.
/// </summary>
internal static class FilesystemFilter
{
    public static bool IsExcludedType(ReadOnlySpan<byte> type)
    {
        if (type.StartsWith("fuse."u8))
        {
            // fuse.sshfs, fuse.s3fs, ... are remote; local fuse filesystems (fuse.mergerfs) are the exception we accept to lose.
            return !type.SequenceEqual("fuse.mergerfs"u8);
        }

        return type.SequenceEqual("proc"u8) || type.SequenceEqual("sysfs"u8) || type.SequenceEqual("devtmpfs"u8)
            || type.SequenceEqual("devpts"u8) || type.SequenceEqual("tmpfs"u8) || type.SequenceEqual("ramfs"u8)
            || type.SequenceEqual("cgroup"u8) || type.SequenceEqual("cgroup2"u8) || type.SequenceEqual("securityfs"u8)
            || type.SequenceEqual("pstore"u8) || type.SequenceEqual("bpf"u8) || type.SequenceEqual("tracefs"u8)
            || type.SequenceEqual("debugfs"u8) || type.SequenceEqual("configfs"u8) || type.SequenceEqual("fusectl"u8)
            || type.SequenceEqual("mqueue"u8) || type.SequenceEqual("hugetlbfs"u8) || type.SequenceEqual("autofs"u8)
            || type.SequenceEqual("binfmt_misc"u8) || type.SequenceEqual("nsfs"u8) || type.SequenceEqual("rpc_pipefs"u8)
            || type.SequenceEqual("selinuxfs"u8) || type.SequenceEqual("efivarfs"u8) || type.SequenceEqual("overlay"u8)
            || type.SequenceEqual("squashfs"u8) || type.SequenceEqual("iso9660"u8) || type.SequenceEqual("erofs"u8)
            || type.SequenceEqual("nfs"u8) || type.SequenceEqual("nfs4"u8) || type.SequenceEqual("cifs"u8)
            || type.SequenceEqual("smb3"u8) || type.SequenceEqual("smbfs"u8) || type.SequenceEqual("ceph"u8)
            || type.SequenceEqual("glusterfs"u8) || type.SequenceEqual("9p"u8) || type.SequenceEqual("afs"u8)
            || type.SequenceEqual("fuse"u8);
    }

    public static bool IsExcludedMountPoint(ReadOnlySpan<byte> mountPoint) =>
        IsUnder(mountPoint, "/proc"u8) || IsUnder(mountPoint, "/sys"u8) || IsUnder(mountPoint, "/dev"u8)
        || IsUnder(mountPoint, "/run/credentials"u8) || IsUnder(mountPoint, "/var/lib/docker"u8)
        || IsUnder(mountPoint, "/var/lib/containers/storage"u8) || IsUnder(mountPoint, "/var/lib/kubelet/pods"u8)
        || IsUnder(mountPoint, "/snap"u8);

    private static bool IsUnder(ReadOnlySpan<byte> path, ReadOnlySpan<byte> root) =>
        path.StartsWith(root) && (path.Length == root.Length || path[root.Length] == (byte)'/');
}
