namespace Telemetry.Collector.Configuration;

/// <summary>A configuration problem found at start. <see cref="Exception.Message"/> is one line that names
/// the key and the problem, e.g. <c>receiver.tls.cert_file: file '/etc/x.pem' not found</c>.</summary>
public sealed class ConfigurationErrorException : Exception
{
    public ConfigurationErrorException(string key, string problem)
        : base(key + ": " + problem)
    {
        Key = key;
    }

    public ConfigurationErrorException(string key, string problem, Exception inner)
        : base(key + ": " + problem, inner)
    {
        Key = key;
    }

    public ConfigurationErrorException()
    {
        Key = string.Empty;
    }

    public ConfigurationErrorException(string message)
        : base(message)
    {
        Key = string.Empty;
    }

    public ConfigurationErrorException(string message, Exception inner)
        : base(message, inner)
    {
        Key = string.Empty;
    }

    /// <summary>The configuration key at fault (<c>receiver.max_request_bytes</c>).</summary>
    public string Key { get; }
}
