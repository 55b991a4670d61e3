using Telemetry.Agent.Configuration;
using Telemetry.Agent.Parsing;

namespace Telemetry.Agent.Batching;

/// <summary>Compiles each configured source's format once, at start; a format error is a config error naming the source.</summary>
public static class TailSourceCompiler
{
    public static List<TailSource> Compile(AgentOptions options, Func<SourceOptions, ILogFormat> formats, IReadOnlyList<KeyValuePair<string, object>> resource, List<string> problems)
    {
        var sources = new List<TailSource>(options.Sources.Count);
        for (var i = 0; i < options.Sources.Count; i++)
        {
            var source = options.Sources[i];
            try
            {
                sources.Add(new TailSource(i, source, formats(source), resource));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var key = source.LogFormat is null ? "format" : "log_format";
                problems.Add($"sources[{i}].{key}: {e.Message}");
            }
        }

        return sources;
    }
}
