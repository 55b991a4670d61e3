using System.Collections.Concurrent;
using System.Text;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Tests.Hosting;

/// <summary>Keeps every line written, answers <see cref="Result"/>.</summary>
public sealed class FakePointSink : IPointSink
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public WriteResult Result { get; set; } = new(WriteStatus.Written);

    /// <summary>Writes complete when this task does: InfluxDB stalled until the test opens it.</summary>
    public Task Gate { get; set; } = Task.CompletedTask;

    public ValueTask<WriteResult> WriteAsync(ReadOnlyMemory<byte> points, int pointCount, CancellationToken cancellationToken)
    {
        var text = Encoding.UTF8.GetString(points.Span);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(pointCount, lines.Length);
        foreach (var line in lines)
        {
            Lines.Enqueue(line);
        }

        return Gate.IsCompleted ? ValueTask.FromResult(Result) : WaitAsync(cancellationToken);
    }

    private async ValueTask<WriteResult> WaitAsync(CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        return Result;
    }
}
