using OpenTelemetry.Proto.Collector.Logs.V1;
using Telemetry.Agent.Delivery;

namespace Telemetry.Agent.Tests.Tailing;

/// <summary>Collects exported requests (parsed back with Google.Protobuf); can stall or reject on demand.</summary>
internal sealed class FakeExporter : ILogExporter
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _gate = NewGate(open: true);

    public List<ExportLogsServiceRequest> Requests { get; } = [];

    public Func<int, ExportAck>? Answer { get; set; }

    public int Calls;

    public int RecordCount;

    public static TaskCompletionSource NewGate(bool open)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (open)
        {
            gate.SetResult();
        }

        return gate;
    }

    public void Stall()
    {
        lock (_lock)
        {
            _gate = NewGate(open: false);
        }
    }

    public void Release()
    {
        lock (_lock)
        {
            _gate.TrySetResult();
        }
    }

    public async Task<ExportAck> ExportAsync(ReadOnlyMemory<byte> request, int recordCount, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        Task gate;
        lock (_lock)
        {
            gate = _gate.Task;
        }

        await gate.WaitAsync(cancellationToken);
        var parsed = ExportLogsServiceRequest.Parser.ParseFrom(request.Span);
        var count = parsed.ResourceLogs.Sum(r => r.ScopeLogs.Sum(s => s.LogRecords.Count));
        Assert.Equal(recordCount, count);
        lock (_lock)
        {
            Requests.Add(parsed);
        }

        Interlocked.Add(ref RecordCount, count);

        return Answer?.Invoke(recordCount) ?? new ExportAck(ExportAckStatus.Accepted);
    }

    public List<OpenTelemetry.Proto.Logs.V1.LogRecord> Records()
    {
        lock (_lock)
        {
            return [.. Requests.SelectMany(r => r.ResourceLogs).SelectMany(r => r.ScopeLogs).SelectMany(s => s.LogRecords)];
        }
    }

    /// <summary>The rid attribute of every delivered record, in delivery order.</summary>
    public List<long> Rids() =>
        [.. Records().Select(r => r.Attributes.FirstOrDefault(a => a.Key == "rid")?.Value.IntValue ?? -1)];
}
