using System.Runtime.InteropServices;
using Telemetry.Agent.Resources;

namespace Telemetry.Agent.Tests.Resources;

public class HostResourceTests
{
    [Fact]
    public void Detected_resource_names_this_host_and_the_agent()
    {
        var resource = HostResource.Detect();

        Assert.Equal(Environment.MachineName, resource["host.name"]);
        Assert.Equal(File.ReadAllText("/etc/machine-id").Trim(), resource["host.id"]);
        Assert.Equal("linux", resource["os.type"]);
        Assert.Equal(RuntimeInformation.OSArchitecture == Architecture.X64 ? "amd64" : "arm64", resource["host.arch"]);
        Assert.Equal("telemetry-agent", resource["service.name"]);
        Assert.StartsWith("0.1.0", (string)resource["service.version"]!, StringComparison.Ordinal);
        Assert.Equal(HostResource.DeriveInstanceId((string)resource["host.id"]!), resource["service.instance.id"]);
        var description = (string)resource["os.description"]!;
        Assert.Contains(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), description, StringComparison.Ordinal);
        Assert.Same(resource, HostResource.Detect());
        Assert.Equal(8, resource.Attributes.Count);
    }

    [Fact]
    public void Instance_id_is_a_stable_uuid_per_host()
    {
        var first = HostResource.DeriveInstanceId("3d1219c7c4c5404aaa1f6d2a48adfda4");

        Assert.Equal(first, HostResource.DeriveInstanceId("3d1219c7c4c5404aaa1f6d2a48adfda4"));
        Assert.NotEqual(first, HostResource.DeriveInstanceId("3d1219c7c4c5404aaa1f6d2a48adfda5"));
        var guid = Guid.Parse(first);
        Assert.Equal(8, guid.Version);
        Assert.Equal('8', first[14]);
    }

    [Theory]
    [InlineData("NAME=\"Debian\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n", "Debian GNU/Linux 12 (bookworm)")]
    [InlineData("PRETTY_NAME='Alpine Linux v3.19'\n", "Alpine Linux v3.19")]
    [InlineData("PRETTY_NAME=Arch\n", "Arch")]
    [InlineData("PRETTY_NAME=\"Say \\\"hi\\\" \\$HOME\"\n", "Say \"hi\" $HOME")]
    [InlineData("NAME=x\n", null)]
    public void Os_release_pretty_name_is_unquoted(string osRelease, string? expected)
    {
        Assert.Equal(expected, OsDescription.ParsePrettyName(osRelease));
    }

    [Fact]
    public void Description_combines_distribution_and_kernel()
    {
        Assert.Equal("Debian GNU/Linux 12 (bookworm), kernel 6.1.0-18-amd64", OsDescription.Compose("Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64"));
        Assert.Equal("Linux, kernel 6.1.0", OsDescription.Compose(null, "6.1.0"));
    }

    [Theory]
    [InlineData(Architecture.X64, "amd64")]
    [InlineData(Architecture.Arm64, "arm64")]
    [InlineData(Architecture.X86, "x86")]
    [InlineData(Architecture.Arm, "arm32")]
    [InlineData(Architecture.S390x, "s390x")]
    [InlineData(Architecture.Ppc64le, "ppc64")]
    public void Architecture_uses_semantic_convention_values(Architecture architecture, string expected)
    {
        Assert.Equal(expected, HostResource.MapArchitecture(architecture));
    }

    [Fact]
    public void Machine_id_falls_back_to_the_dbus_location_and_ignores_uninitialized()
    {
        using var dir = new Telemetry.TestKit.TempDirectory();
        var etc = Path.Combine(dir.Path, "machine-id");
        var dbus = Path.Combine(dir.Path, "dbus-machine-id");
        File.WriteAllText(etc, "uninitialized\n");
        File.WriteAllText(dbus, "abcdef0123456789abcdef0123456789\n");

        Assert.Equal("abcdef0123456789abcdef0123456789", MachineIdentity.ReadFirst([etc, dbus]));
        Assert.Null(MachineIdentity.ReadFirst([Path.Combine(dir.Path, "missing")]));
    }
}
