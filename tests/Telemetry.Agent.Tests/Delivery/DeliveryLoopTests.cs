using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Telemetry.Agent.Batching;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.Delivery;
using Telemetry.Agent.Metrics;
using Telemetry.Agent.Tests.Tailing;

namespace Telemetry.Agent.Tests.Delivery;

public sealed class DeliveryLoopTests
{
    private sealed class Participant : IBatchParticipant
    {
        public List<long> Acked { get; } = [];

        public void Sealed(long batch)
        {
        }

        public void Acknowledged(long batch)
        {
            lock (Acked)
            {
                Acked.Add(batch);
            }
        }
    }

    private sealed class ScriptedExporter(Func<int, Task<ExportAck>> answer) : ILogExporter
    {
        public int Calls;

        public Task<ExportAck> ExportAsync(ReadOnlyMemory<byte> request, int recordCount, CancellationToken cancellationToken) =>
            answer(Interlocked.Increment(ref Calls));
    }

    private static async Task<(Participant Participant, AgentMetrics Metrics)> DeliverOneAsync(ILogExporter exporter, int records, Action<AgentMetrics>? observe = null)
    {
        var source = new TailSource(0, new SourceOptions { Name = "s", Format = "json", Paths = ["/x"] }, new TestFormat(), []);
        var channel = Channel.CreateUnbounded<LogBatch>();
        using var batcher = new LogBatcher(new BatchOptions(), [source], channel.Writer, TimeProvider.System);
        var participant = new Participant();
        for (var i = 0; i < records; i++)
        {
            batcher.Add(source, new byte[8], participant);
        }

        batcher.SealNow();
        await batcher.PublishAsync(default);
        channel.Writer.Complete();
        var metrics = new AgentMetrics();
        observe?.Invoke(metrics);
        var loop = new DeliveryLoop(channel.Reader, exporter, 1, metrics, TimeProvider.System, NullLogger<DeliveryLoop>.Instance);
        await loop.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        return (participant, metrics);
    }

    [Fact]
    public async Task Partially_accepted_batch_counts_the_rejected_records_and_still_advances()
    {
        var exporter = new ScriptedExporter(_ => Task.FromResult(new ExportAck(ExportAckStatus.PartiallyAccepted, 2, "field type conflict")));
        MeterCounter? rejected = null;
        MeterCounter? acknowledged = null;
        var (participant, metrics) = await DeliverOneAsync(exporter, 5, m =>
        {
            rejected = new MeterCounter(m.Meter, "telemetry.agent.lines.rejected");
            acknowledged = new MeterCounter(m.Meter, "telemetry.agent.lines.acknowledged");
        });
        Assert.Equal([1L], participant.Acked);
        Assert.Equal(2, rejected!.Total);
        Assert.Equal(3, acknowledged!.Total);
        metrics.Dispose();
    }

    [Fact]
    public async Task Exporter_exception_retries_the_batch_instead_of_dropping_it()
    {
        var exporter = new ScriptedExporter(call => call == 1
            ? Task.FromException<ExportAck>(new InvalidOperationException("channel broken"))
            : Task.FromResult(new ExportAck(ExportAckStatus.Accepted)));
        var (participant, metrics) = await DeliverOneAsync(exporter, 3);
        Assert.Equal(2, exporter.Calls);
        Assert.Equal([1L], participant.Acked);
        metrics.Dispose();
    }
}
