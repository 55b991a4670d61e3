using Microsoft.Extensions.Logging;

namespace Telemetry.IntegrationTests.Tls;

/// <summary>Keeps every log line the agent's export services write, to check what an operator would read.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly List<CapturedLog> _entries = [];

    public IReadOnlyList<CapturedLog> Entries
    {
        get
        {
            lock (_gate)
            {
                return _entries.ToArray();
            }
        }
    }

    /// <summary>Every captured line, one per row, for assertion messages.</summary>
    public string Text => string.Join('\n', Entries.Select(e => $"{e.Level} {e.EventId}: {e.Message}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private void Add(CapturedLog entry)
    {
        lock (_gate)
        {
            _entries.Add(entry);
        }
    }

    private sealed class Logger(CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(new CapturedLog(logLevel, eventId.Id, formatter(state, exception)));
    }
}

public sealed record CapturedLog(LogLevel Level, int EventId, string Message);
