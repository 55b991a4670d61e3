using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Telemetry.Agent.Configuration;

/// <summary>
/// A YAML file as configuration keys (<c>batch:max_records</c>, <c>sources:0:paths:1</c>), read with
/// YamlDotNet's event parser: no reflection, so it is safe under Native AOT. Errors name the file, line
/// and column.
/// </summary>
public sealed class YamlConfigurationSource : FileConfigurationSource
{
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new YamlConfigurationProvider(this);
    }
}

/// <summary>Flattens a YAML document into configuration keys.</summary>
public sealed class YamlConfigurationProvider(YamlConfigurationSource source) : FileConfigurationProvider(source)
{
    public override void Load(Stream stream)
    {
        using var reader = new StreamReader(stream);
        Data = Parse(reader);
    }

    public static Dictionary<string, string?> Parse(TextReader reader)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var parser = new Parser(reader);
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<DocumentStart>(out _))
            {
                if (!parser.Accept<DocumentEnd>(out _))
                {
                    ReadNode(parser, "", data);
                }

                parser.Consume<DocumentEnd>();
            }
        }
        catch (YamlException e)
        {
            throw new FormatException($"YAML error at line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}", e);
        }

        return data;
    }

    private static void ReadNode(IParser parser, string path, Dictionary<string, string?> data)
    {
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            var isNull = scalar.IsPlainImplicit && scalar.Value is "~" or "null" or "Null" or "NULL" or "";
            data[path] = isNull ? null : scalar.Value;
        }
        else if (parser.TryConsume<MappingStart>(out _))
        {
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = parser.Consume<Scalar>().Value;
                ReadNode(parser, path.Length == 0 ? key : path + ConfigurationPath.KeyDelimiter + key, data);
            }
        }
        else if (parser.TryConsume<SequenceStart>(out _))
        {
            var index = 0;
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                ReadNode(parser, path + ConfigurationPath.KeyDelimiter + index.ToString(System.Globalization.CultureInfo.InvariantCulture), data);
                index++;
            }
        }
        else if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            throw new YamlException(alias.Start, alias.End, "aliases are not supported in configuration");
        }
        else
        {
            throw new YamlException(parser.Current!.Start, parser.Current.End, $"unexpected {parser.Current.GetType().Name}");
        }
    }
}
