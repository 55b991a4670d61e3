using System.Reflection;

namespace Telemetry.Agent.Observability;

/// <summary>
/// Resource attributes of the agent's metrics until <c>Resources.HostResource</c> (host detection) is wired in:
/// service.name, service.version, host.name.
/// </summary>
public static class AgentResource
{
    public const string ServiceName = "telemetry-agent";

    public static IReadOnlyList<KeyValuePair<string, object>> Attributes { get; } =
    [
        new("service.name", ServiceName),
        new("service.version", Version()),
        new("host.name", Environment.MachineName),
    ];

    private static string Version() =>
        typeof(AgentResource).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "0.0.0";
}
