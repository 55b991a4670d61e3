using System.Text;
using Telemetry.Agent.HostMetrics;
using Telemetry.Agent.HostMetrics.Linux;

namespace Telemetry.Agent.Tests.HostMetrics.Linux;

public class MountInfoParserTests
{
    private static List<MountEntry> Parse()
    {
        var mounts = new List<MountEntry>();
        MountInfoParser.Parse(Encoding.UTF8.GetBytes(ProcSamples.MountInfo), new NameTable(), mounts);
        return mounts;
    }

    [Fact]
    public void Pseudo_network_container_and_image_filesystems_are_skipped()
    {
        Assert.Equal(["/", "/mnt/My Backup\tDisk", "/srv/data", @"/mnt/back\slash"], Parse().Select(m => m.MountPoint));
    }

    [Fact]
    public void Octal_escapes_in_mount_points_are_decoded()
    {
        var backup = Parse()[1];

        Assert.Equal("/mnt/My Backup\tDisk", backup.MountPoint);
        Assert.Equal("xfs", backup.Type);
        Assert.Equal("/dev/sdb1", backup.Source);
    }

    [Fact]
    public void A_bind_mount_of_the_same_device_is_reported_once_at_the_filesystem_root()
    {
        var mounts = Parse();

        Assert.Single(mounts, m => m.Source == "/dev/vda");
        Assert.Equal("/", mounts.Single(m => m.Source == "/dev/vda").MountPoint);
        Assert.Equal("/srv/data", mounts.Single(m => m.Source == "/dev/nvme0n1p3").MountPoint);
    }

    [Theory]
    [InlineData(@"a\040b", "a b")]
    [InlineData(@"a\134", @"a\")]
    [InlineData(@"\012x", "\nx")]
    [InlineData(@"tail\04", @"tail\04")]
    [InlineData(@"no\9escape", @"no\9escape")]
    public void Unescape_decodes_only_complete_octal_triples(string raw, string expected)
    {
        Span<byte> buffer = stackalloc byte[64];
        var length = MountInfoParser.Unescape(Encoding.UTF8.GetBytes(raw), buffer);

        Assert.Equal(expected, Encoding.UTF8.GetString(buffer[..length]));
    }

    [Fact]
    public void Lines_without_separator_are_ignored()
    {
        var mounts = new List<MountEntry>();
        MountInfoParser.Parse("1 2 8:1 / /x rw ext4 /dev/sda1 rw\n"u8, new NameTable(), mounts);

        Assert.Empty(mounts);
    }
}
