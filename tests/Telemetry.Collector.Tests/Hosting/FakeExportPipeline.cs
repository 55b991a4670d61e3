using System.Collections.Concurrent;
using Telemetry.Collector.Pipeline;

namespace Telemetry.Collector.Tests.Hosting;

/// <summary>Records every request's bytes and answers with <see cref="Answer"/>.</summary>
public sealed class FakeExportPipeline : IExportPipeline
{
    public ConcurrentQueue<byte[]> Logs { get; } = new();

    public ConcurrentQueue<byte[]> Metrics { get; } = new();

    public Func<ReadOnlyMemory<byte>, ExportResult> Answer { get; set; } = _ => ExportResult.Success;

    public int Calls => Logs.Count + Metrics.Count;

    public ValueTask<ExportResult> ExportLogsAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        Logs.Enqueue(request.ToArray());
        return ValueTask.FromResult(Answer(request));
    }

    public ValueTask<ExportResult> ExportMetricsAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        Metrics.Enqueue(request.ToArray());
        return ValueTask.FromResult(Answer(request));
    }
}
