using System.Globalization;
using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Telemetry.Collector.Configuration;

/// <summary>
/// Reads the collector's YAML file into configuration keys (<c>receiver:tls:cert_file</c>,
/// <c>receiver:auth:bearer_tokens:0</c>). A file that cannot be read or parsed is a
/// <see cref="ConfigurationErrorException"/> with the line and column. (We read YAML with YamlDotNet directly:
/// NetEscapades.Configuration.Yaml 2.x/3.x is compiled against YamlDotNet 13 and fails at run time with
/// <c>MissingMethodException</c> against the YamlDotNet 16+ the solution uses.)
/// </summary>
public static class YamlConfigurationFile
{
    public static Dictionary<string, string?> Read(string path)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var yaml = new YamlStream();
        try
        {
            using var reader = File.OpenText(path);
            yaml.Load(reader);
        }
        catch (YamlException e)
        {
            throw new ConfigurationErrorException("--config",
                $"'{path}' is not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {OneLine(e.InnerException?.Message ?? e.Message)}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ConfigurationErrorException("--config", $"file '{path}' is not readable: {OneLine(e.Message)}", e);
        }
        catch (IOException e)
        {
            throw new ConfigurationErrorException("--config", $"file '{path}' is not readable: {OneLine(e.Message)}", e);
        }

        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return values;
        }

        if (yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ConfigurationErrorException("--config", $"'{path}' must hold a YAML mapping (key: value) at its top level");
        }

        Flatten(root, null, values);
        return values;
    }

    /// <summary>Adds the file's keys to <paramref name="builder"/>.</summary>
    public static IConfigurationBuilder AddCollectorYaml(this IConfigurationBuilder builder, string path) =>
        builder.AddInMemoryCollection(Read(path));

    private static void Flatten(YamlNode node, string? prefix, Dictionary<string, string?> values)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (keyNode, child) in mapping.Children)
                {
                    var key = keyNode is YamlScalarNode scalarKey ? scalarKey.Value ?? string.Empty : keyNode.ToString();
                    Flatten(child, prefix is null ? key : prefix + ConfigurationPath.KeyDelimiter + key, values);
                }

                if (mapping.Children.Count == 0 && prefix is not null)
                {
                    values[prefix] = string.Empty;
                }

                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Flatten(sequence.Children[i], prefix + ConfigurationPath.KeyDelimiter + i.ToString(CultureInfo.InvariantCulture), values);
                }

                break;
            case YamlScalarNode scalar when prefix is not null:
                values[prefix] = IsNull(scalar) ? null : scalar.Value;
                break;
        }
    }

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "~" or "null" or "Null" or "NULL";

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
