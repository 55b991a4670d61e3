using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Telemetry.Agent.Batching;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.Delivery;
using Telemetry.Agent.Tests.Tailing;

namespace Telemetry.Agent.Tests.Batching;

public sealed class LogBatcherTests
{
    private sealed class Participant : IBatchParticipant
    {
        public List<long> SealedBatches { get; } = [];

        public void Sealed(long batch) => SealedBatches.Add(batch);

        public void Acknowledged(long batch)
        {
        }
    }

    private static readonly TailSource Source = new(0, new SourceOptions { Name = "s", Format = "json", Paths = ["/x"] }, new TestFormat(), []);

    [Fact]
    public void Batch_is_sealed_before_it_passes_max_records()
    {
        var channel = Channel.CreateUnbounded<LogBatch>();
        using var batcher = new LogBatcher(new BatchOptions { MaxRecords = 3 }, [Source], channel.Writer, TimeProvider.System);
        var p = new Participant();
        for (var i = 0; i < 3; i++)
        {
            batcher.Add(Source, new byte[10], p);
            Assert.False(batcher.HasPending);
        }

        batcher.Add(Source, new byte[10], p);
        Assert.True(batcher.HasPending);
        Assert.Equal([1L], p.SealedBatches);
        Assert.Equal(1, batcher.OpenRecords);
    }

    [Fact]
    public async Task Batch_is_sealed_before_it_passes_max_bytes_and_a_huge_record_travels_alone()
    {
        var channel = Channel.CreateUnbounded<LogBatch>();
        using var batcher = new LogBatcher(new BatchOptions { MaxBytes = 2000 }, [Source], channel.Writer, TimeProvider.System);
        var p = new Participant();
        batcher.Add(Source, new byte[1100], p);
        batcher.Add(Source, new byte[1100], p);
        Assert.True(batcher.HasPending);
        await batcher.PublishAsync(default);
        batcher.Add(Source, new byte[5000], p);
        Assert.True(batcher.HasPending);
        await batcher.PublishAsync(default);
        Assert.True(channel.Reader.TryRead(out var first));
        Assert.Equal(1, first!.Records);
        Assert.True(first.Request.Length < 2000);
        Assert.True(channel.Reader.TryRead(out var second));
        Assert.Equal(1, second!.Records);
    }

    [Fact]
    public void Batch_is_sealed_after_max_delay()
    {
        var time = new FakeTimeProvider();
        var channel = Channel.CreateUnbounded<LogBatch>();
        using var batcher = new LogBatcher(new BatchOptions { MaxDelay = TimeSpan.FromMilliseconds(500) }, [Source], channel.Writer, time);
        batcher.Add(Source, new byte[10], new Participant());
        Assert.Equal(TimeSpan.FromMilliseconds(500), batcher.SealIfDue());
        Assert.False(batcher.HasPending);
        time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal(TimeSpan.FromMilliseconds(200), batcher.SealIfDue());
        time.Advance(TimeSpan.FromMilliseconds(200));
        batcher.SealIfDue();
        Assert.True(batcher.HasPending);
    }

    [Fact]
    public async Task Publishing_waits_while_delivery_is_full()
    {
        var channel = Channel.CreateBounded<LogBatch>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.Wait });
        using var batcher = new LogBatcher(new BatchOptions { MaxRecords = 1 }, [Source], channel.Writer, TimeProvider.System);
        var p = new Participant();
        batcher.Add(Source, new byte[1], p);
        batcher.Add(Source, new byte[1], p);
        await batcher.PublishAsync(default);
        batcher.Add(Source, new byte[1], p);
        var second = batcher.PublishAsync(default).AsTask();
        await Task.Delay(100);
        Assert.False(second.IsCompleted);
        Assert.True(channel.Reader.TryRead(out _));
        await second.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(300)]
    public async Task Sealed_request_holds_each_sources_records_under_its_own_resource(int perSource)
    {
        // 300 records per source make the ScopeLogs/ResourceLogs lengths 3-byte varints; 1 record, 1-byte.
        TailSource[] sources =
        [
            new(0, new SourceOptions { Name = "nginx", Format = "json", Paths = ["/a"] }, new TestFormat(), []),
            new(1, new SourceOptions { Name = "apache", Format = "json", Paths = ["/b"] }, new TestFormat(), []),
            new(2, new SourceOptions { Name = "idle", Format = "json", Paths = ["/c"] }, new TestFormat(), []),
        ];
        var channel = Channel.CreateUnbounded<LogBatch>();
        using var batcher = new LogBatcher(new BatchOptions { MaxRecords = 10_000 }, sources, channel.Writer, TimeProvider.System);
        var p = new Participant();
        for (var i = 0; i < perSource; i++)
        {
            // Interleaved, as lines of two files arrive.
            batcher.Add(sources[1], Record(1_000_000UL + (ulong)i), p);
            batcher.Add(sources[0], Record((ulong)i), p);
        }

        batcher.SealNow();
        await batcher.PublishAsync(default);
        Assert.True(channel.Reader.TryRead(out var batch));
        using (batch)
        {
            var request = OpenTelemetry.Proto.Collector.Logs.V1.ExportLogsServiceRequest.Parser.ParseFrom(batch!.Request.Span);
            Assert.Equal(2, request.ResourceLogs.Count);
            Assert.Equal(["nginx", "apache"], request.ResourceLogs.Select(r => r.Resource.Attributes.Single(a => a.Key == "service.name").Value.StringValue));
            Assert.Equal(
                Enumerable.Range(0, perSource).Select(i => (ulong)i),
                request.ResourceLogs[0].ScopeLogs.Single().LogRecords.Select(r => r.TimeUnixNano));
            Assert.Equal(
                Enumerable.Range(0, perSource).Select(i => 1_000_000UL + (ulong)i),
                request.ResourceLogs[1].ScopeLogs.Single().LogRecords.Select(r => r.TimeUnixNano));
            Assert.All(request.ResourceLogs, r => Assert.Equal("telemetry-agent", r.ScopeLogs.Single().Scope.Name));
            Assert.Equal(2 * perSource, batch.Records);
        }
    }

    private static byte[] Record(ulong time) => Google.Protobuf.MessageExtensions.ToByteArray(
        new OpenTelemetry.Proto.Logs.V1.LogRecord { TimeUnixNano = time, Body = new() { StringValue = "line " + time } });
}
