namespace Telemetry.Agent.Parsing;

/// <summary>
/// A format string that cannot be compiled. <see cref="Exception.Message"/> names the offending directive or
/// variable and its <see cref="Column"/> (1-based, counted in the string as configured), for example
/// <c>unknown Apache directive %Q at column 14</c>.
/// </summary>
public sealed class LogFormatException : Exception
{
    public LogFormatException()
    {
    }

    public LogFormatException(string message)
        : base(message)
    {
    }

    public LogFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LogFormatException(string message, string? token, int column)
        : base(message)
    {
        Token = token;
        Column = column;
    }

    /// <summary>The directive or variable as written (<c>%Q</c>, <c>$foo</c>), when one is at fault.</summary>
    public string? Token { get; }

    /// <summary>1-based column in the configured format string; 0 when the fault is not at one place.</summary>
    public int Column { get; }
}
