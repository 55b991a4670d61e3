using Telemetry.LoadGenerator.Traffic;

namespace Telemetry.LoadGenerator.Formats;

/// <summary>Writes a request as one access-log line in a server's format.</summary>
public interface ILineFormatter
{
    /// <summary><c>apache</c>, <c>nginx</c> or <c>iis</c> (the agent's <c>format</c> key).</summary>
    string Server { get; }

    /// <summary>The format string as the server's configuration would hold it (the agent's <c>log_format</c>).</summary>
    string LogFormat { get; }

    /// <summary>Lines to write at the top of a new file (IIS directives), or empty.</summary>
    string FileHeader(DateTimeOffset now);

    /// <summary>The line, without its newline.</summary>
    string Format(GeneratedRequest request);
}
