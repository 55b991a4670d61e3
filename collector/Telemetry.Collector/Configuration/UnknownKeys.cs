using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Telemetry.Collector.Configuration;

/// <summary>
/// Finds keys in the YAML file that no option reads (a typo such as <c>receiver.grpc_endpont</c> would otherwise
/// be ignored and the default used silently). Known keys are the sections below and, inside them, the
/// <see cref="ConfigurationKeyNameAttribute"/> names (or property names) of the options classes, nested classes
/// included; lists and maps (<c>bearer_tokens</c>, <c>static_tags</c>) take any entries; <c>logging</c> takes any key.
/// Environment overrides are not checked: <c>TELEMETRY_</c> variables may belong to other programs.
/// </summary>
public static class UnknownKeys
{
    private static readonly (string Name, Type? Options)[] Sections =
    [
        (ReceiverOptions.SectionName, typeof(ReceiverOptions)),
        (SelfMetricsOptions.SectionName, typeof(SelfMetricsOptions)),
        (LimitsOptions.SectionName, typeof(LimitsOptions)),
        (EnrichmentOptions.SectionName, typeof(EnrichmentOptions)),
        (InfluxDbOptions.SectionName, typeof(InfluxDbOptions)),
        ("logging", null),
    ];

    /// <summary>The first unknown key of <paramref name="keys"/> (flattened, <c>receiver:tls:cert_file</c>) as
    /// <c>receiver.grpc_endpont: unknown key (known: ...)</c>, or null.</summary>
    public static string? FirstError(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var sorted = keys.ToList();
        sorted.Sort(StringComparer.OrdinalIgnoreCase);
        foreach (var key in sorted)
        {
            if (Check(key) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private static string? Check(string key)
    {
        var parts = key.Split(ConfigurationPath.KeyDelimiter);
        var section = Array.Find(Sections, s => s.Name.Equals(parts[0], StringComparison.OrdinalIgnoreCase));
        if (section.Name is null)
        {
            return $"{parts[0]}: unknown section (known: {string.Join(", ", Sections.Select(s => s.Name))})";
        }

        var type = section.Options;
        for (var i = 1; i < parts.Length && type is not null; i++)
        {
            var properties = Bindable(type);
            var property = properties.Find(p => KeyName(p).Equals(parts[i], StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                return $"{string.Join('.', parts[..(i + 1)])}: unknown key (known: {string.Join(", ", properties.Select(KeyName))})";
            }

            type = IsNested(property.PropertyType) ? property.PropertyType : null;
        }

        return null;
    }

    private static List<PropertyInfo> Bindable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.SetMethod is { IsPublic: true } || (p.GetMethod is not null && IsNested(p.PropertyType))))
            .ToList();

    private static string KeyName(PropertyInfo property) =>
        property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;

    /// <summary>An options class whose keys are checked in turn (not a scalar, list or map).</summary>
    private static bool IsNested(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type);
}
