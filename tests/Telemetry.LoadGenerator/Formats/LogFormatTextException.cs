namespace Telemetry.LoadGenerator.Formats;

/// <summary>A format string the generator cannot write (names the directive and its column).</summary>
public sealed class LogFormatTextException : Exception
{
    public LogFormatTextException(string message)
        : base(message)
    {
    }

    public LogFormatTextException()
    {
    }

    public LogFormatTextException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
