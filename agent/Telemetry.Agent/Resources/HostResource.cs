using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Telemetry.Agent.Resources;

/// <summary>
/// The OpenTelemetry resource that identifies this agent and its host, shared by the log encoder and the
/// MeterProvider: host.name, host.id, os.type, os.description, host.arch, service.name, service.version,
/// service.instance.id. Detected once per process (<see cref="Detect"/>); attributes that cannot be detected are
/// left out rather than invented (host.id), except service.instance.id which always has a value.
/// </summary>
public sealed class HostResource
{
    public const string ServiceName = "telemetry-agent";

    private static readonly Lazy<HostResource> Detected = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    internal HostResource(IReadOnlyList<KeyValuePair<string, object>> attributes) => Attributes = attributes;

    /// <summary>Resource attributes in the order listed above.</summary>
    public IReadOnlyList<KeyValuePair<string, object>> Attributes { get; }

    /// <summary>The resource of this process (detected on first call, then cached).</summary>
    public static HostResource Detect() => Detected.Value;

    /// <summary>The value of one attribute, or null.</summary>
    public object? this[string key]
    {
        get
        {
            foreach (var attribute in Attributes)
            {
                if (attribute.Key == key)
                {
                    return attribute.Value;
                }
            }

            return null;
        }
    }

    private static HostResource Create()
    {
        var hostName = Environment.MachineName;
        var hostId = MachineIdentity.Read();
        var attributes = new List<KeyValuePair<string, object>>(8)
        {
            new("host.name", hostName),
        };
        if (hostId is not null)
        {
            attributes.Add(new("host.id", hostId));
        }

        attributes.Add(new("os.type", OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : "unknown"));
        attributes.Add(new("os.description", OsDescription.Read()));
        attributes.Add(new("host.arch", MapArchitecture(RuntimeInformation.OSArchitecture)));
        attributes.Add(new("service.name", ServiceName));
        attributes.Add(new("service.version", ServiceVersion()));
        attributes.Add(new("service.instance.id", DeriveInstanceId(hostId ?? hostName)));
        return new HostResource(attributes);
    }

    /// <summary>Semantic-convention <c>host.arch</c> values.</summary>
    internal static string MapArchitecture(Architecture architecture) => architecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.X86 => "x86",
        Architecture.Arm or Architecture.Armv6 => "arm32",
        Architecture.S390x => "s390x",
        Architecture.Ppc64le => "ppc64",
        _ => architecture.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// A UUID that is stable for a host and needs no state: the first 16 bytes of SHA-256("telemetry-agent:" +
    /// host.id), shaped as an RFC 9562 version 8 UUID. The same host always gets the same id (reinstalls and
    /// restarts included); two hosts differ as long as their machine ids do (cloned VMs that kept the same
    /// /etc/machine-id collide, as they do for host.id).
    /// </summary>
    internal static string DeriveInstanceId(string stableHostKey)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(ServiceName + ":" + stableHostKey), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true).ToString("D");
    }

    private static string ServiceVersion()
    {
        var assembly = typeof(HostResource).Assembly;
        return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "0.0.0";
    }
}
