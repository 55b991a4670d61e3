using System.Net;
using System.Text;
using Telemetry.Collector.Writing;
using Telemetry.TestKit.InfluxDb;
using static Telemetry.Collector.Tests.Writing.WritingTestKit;

namespace Telemetry.Collector.Tests.Writing;

[Collection(InfluxDbFixture.CollectionName)]
public sealed class InfluxWriteQueueTests(InfluxDbFixture fixture)
{
    private readonly InfluxDbServer _influx = fixture.Server;

    [Fact]
    public async Task Each_caller_gets_only_its_own_rejections_from_a_shared_batch()
    {
        var db = await _influx.CreateUniqueDatabaseAsync();
        await _influx.WriteLineProtocolAsync(db, "m v=0 1\n");
        await using var queue = Queue(V1(_influx.Url, db, o => o.FlushInterval = TimeSpan.FromMilliseconds(300)));

        var a = queue.WriteAsync(Lines("m v=1 10", "m v=2 11"), 2, default).AsTask();
        var b = queue.WriteAsync(Lines("m v=3 12", "m v=\"bad\" 13", "m v=4 14"), 3, default).AsTask();
        var c = queue.WriteAsync(Lines("m v=5 15"), 1, default).AsTask();
        var results = await Task.WhenAll(a, b, c).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new WriteResult(WriteStatus.Written), results[0]);
        Assert.Equal(WriteStatus.Written, results[1].Status);
        Assert.Equal(1, results[1].Rejected);
        Assert.Contains("field type conflict", results[1].Error, StringComparison.Ordinal);
        Assert.Equal(new WriteResult(WriteStatus.Written), results[2]);
        Assert.Equal(6, await _influx.CountRowsAsync(db, "m"));
        Assert.Equal(0, queue.QueuedPoints);
    }

    [Fact]
    public async Task Concurrent_callers_are_coalesced_into_one_request()
    {
        await using var fake = new RecordingInfluxListener();
        await using var queue = Queue(V1(fake.Url, "db", o => o.FlushInterval = TimeSpan.FromMilliseconds(500)));

        var writes = Enumerable.Range(0, 5).Select(i => queue.WriteAsync(Lines($"m v={i} {i}"), 1, default).AsTask()).ToArray();
        await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(30));

        var request = Assert.Single(fake.Requests);
        Assert.Equal(5, request.BodyText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task A_caller_larger_than_a_batch_is_split_and_answered_once_all_parts_are_stored()
    {
        var db = await _influx.CreateUniqueDatabaseAsync();
        await using var queue = Queue(V1(_influx.Url, db, o => o.BatchMaxPoints = 3));
        var lines = Enumerable.Range(0, 10).Select(i => $"m v={i} {i + 1}").ToArray();

        var result = await queue.WriteAsync(Lines(lines), lines.Length, default);

        Assert.Equal(new WriteResult(WriteStatus.Written), result);
        Assert.Equal(10, await _influx.CountRowsAsync(db, "m"));
    }

    [Fact]
    public async Task String_field_with_raw_newlines_stays_one_point_when_batches_are_cut()
    {
        var db = await _influx.CreateUniqueDatabaseAsync();
        await using var queue = Queue(V1(_influx.Url, db, o => o.BatchMaxPoints = 1));
        using var buffer = new LineBuffer();
        using var encoder = new PointEncoder(buffer);
        for (var i = 0; i < 3; i++)
        {
            encoder.Begin("m");
            encoder.Field("text", $"line one\nline \"two\"\n{i}");
            encoder.End(i + 1);
        }

        var result = await queue.WriteAsync(buffer.WrittenMemory, 3, default);

        Assert.Equal(new WriteResult(WriteStatus.Written), result);
        var rows = Assert.Single(await _influx.QueryAsync(db, "SELECT text FROM m", "ns")).Values;
        Assert.Equal(["line one\nline \"two\"\n0", "line one\nline \"two\"\n1", "line one\nline \"two\"\n2"], rows.Select(r => r[1].GetString()!).ToArray());
    }

    [Fact]
    public async Task Full_queue_answers_overloaded_at_once_with_a_retry_hint()
    {
        await using var fake = new RecordingInfluxListener();
        fake.Enqueue(_ => new ScriptedAnswer(HttpStatusCode.NoContent, Delay: TimeSpan.FromSeconds(2)));
        await using var queue = Queue(V1(fake.Url, "db", o => { o.QueueMaxPoints = 10; o.BatchMaxPoints = 10; o.FlushInterval = TimeSpan.FromMilliseconds(1); }));

        var first = queue.WriteAsync(Lines(Enumerable.Range(0, 8).Select(i => $"m v={i} {i}").ToArray()), 8, default).AsTask();
        var second = await queue.WriteAsync(Lines("m v=1 100", "m v=2 101", "m v=3 102"), 3, default).AsTask().WaitAsync(TimeSpan.FromMilliseconds(500));

        Assert.Equal(WriteStatus.Overloaded, second.Status);
        Assert.NotNull(second.RetryAfter);
        Assert.False(first.IsCompleted);
        Assert.Equal(WriteStatus.Written, (await first).Status);
        Assert.DoesNotContain(fake.Requests, r => r.BodyText.Contains("m v=1 100", StringComparison.Ordinal));
        Assert.Equal(0, queue.QueuedPoints);
    }

    [Fact]
    public async Task No_more_than_max_concurrent_requests_are_in_flight()
    {
        await using var fake = new RecordingInfluxListener();
        for (var i = 0; i < 6; i++)
        {
            fake.Enqueue(_ => new ScriptedAnswer(HttpStatusCode.NoContent, Delay: TimeSpan.FromMilliseconds(300)));
        }

        await using var queue = Queue(V1(fake.Url, "db", o => { o.MaxConcurrentRequests = 2; o.BatchMaxPoints = 1; o.FlushInterval = TimeSpan.FromMilliseconds(1); }));

        var writes = Enumerable.Range(0, 6).Select(i => queue.WriteAsync(Lines($"m v={i} {i}"), 1, default).AsTask()).ToArray();
        await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(6, fake.Requests.Count);
        Assert.Equal(2, fake.MaxConcurrentRequests);
    }

    [Fact]
    public async Task Callers_points_are_split_across_batches_so_that_batches_are_full()
    {
        await using var fake = new RecordingInfluxListener();
        await using var queue = Queue(V1(fake.Url, "db", o => { o.BatchMaxPoints = 5; o.FlushInterval = TimeSpan.FromSeconds(1); }));

        var writes = Enumerable.Range(0, 3)
            .Select(c => queue.WriteAsync(Lines(Enumerable.Range(0, 4).Select(i => $"m v={(c * 4) + i} {(c * 4) + i}").ToArray()), 4, default).AsTask())
            .ToArray();
        var results = await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(results, r => Assert.Equal(new WriteResult(WriteStatus.Written), r));
        var sizes = fake.Requests.Select(r => r.BodyText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length).ToArray();
        Assert.Equal([5, 5, 2], sizes);
        var values = fake.Requests.SelectMany(r => r.BodyText.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"m v={i} {i}").Order().ToArray(), values);
        Assert.Equal(0, queue.QueuedPoints);
    }

    [Fact]
    public async Task Points_queued_while_every_slot_is_busy_leave_as_one_batch_when_a_slot_frees()
    {
        await using var fake = new RecordingInfluxListener();
        fake.Enqueue(_ => new ScriptedAnswer(HttpStatusCode.NoContent, Delay: TimeSpan.FromMilliseconds(500)));
        await using var queue = Queue(V1(fake.Url, "db", o => { o.MaxConcurrentRequests = 1; o.BatchMaxPoints = 100; o.FlushInterval = TimeSpan.FromMilliseconds(1); }));

        var first = queue.WriteAsync(Lines("m v=0 0"), 1, default).AsTask();
        while (fake.Requests.Count == 0 && !first.IsCompleted)
        {
            await Task.Delay(10);
        }

        // The only slot is busy for 500 ms: these arrive one by one meanwhile, each older than flush_interval
        // before the slot frees, and must not leave as a batch of one that then waits for the slot.
        var later = new List<Task<WriteResult>>();
        for (var i = 1; i <= 6; i++)
        {
            later.Add(queue.WriteAsync(Lines($"m v={i} {i}"), 1, default).AsTask());
            await Task.Delay(40);
        }

        await Task.WhenAll([first, .. later]).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, fake.Requests.Count);
        Assert.Equal(6, fake.Requests[1].BodyText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Shutdown_flushes_every_accepted_point_before_returning()
    {
        var db = await _influx.CreateUniqueDatabaseAsync();
        var queue = Queue(V1(_influx.Url, db, o => o.FlushInterval = TimeSpan.FromMinutes(1)));
        var writes = Enumerable.Range(0, 4).Select(i => queue.WriteAsync(Lines($"m v={i} {i + 1}"), 1, default).AsTask()).ToArray();
        await Task.Delay(100);
        Assert.All(writes, w => Assert.False(w.IsCompleted));

        await queue.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(writes, w => Assert.Equal(WriteStatus.Written, w.Result.Status));
        Assert.Equal(4, await _influx.CountRowsAsync(db, "m"));
        var late = await queue.WriteAsync(Lines("m v=9 9"), 1, default);
        Assert.Equal(WriteStatus.Unavailable, late.Status);
        await queue.DisposeAsync();
    }

    [Fact]
    public async Task Unavailable_influxdb_is_reported_to_every_caller_and_frees_the_queue()
    {
        await using var fake = new RecordingInfluxListener();
        for (var i = 0; i < 10; i++)
        {
            fake.Enqueue(HttpStatusCode.ServiceUnavailable, "down");
        }

        await using var queue = Queue(V1(fake.Url, "db", o => o.MaxRetries = 1));

        var results = await Task.WhenAll(
            queue.WriteAsync(Lines("m v=1 1"), 1, default).AsTask(),
            queue.WriteAsync(Lines("m v=2 2"), 1, default).AsTask()).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(results, r => Assert.Equal(WriteStatus.Unavailable, r.Status));
        Assert.All(results, r => Assert.NotNull(r.RetryAfter));
        Assert.Equal(0, queue.QueuedPoints);
    }

    [Fact]
    public async Task A_caller_that_stops_waiting_does_not_lose_its_accepted_points()
    {
        var db = await _influx.CreateUniqueDatabaseAsync();
        await using var queue = Queue(V1(_influx.Url, db, o => o.FlushInterval = TimeSpan.FromMilliseconds(300)));
        using var gone = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));
        var bytes = Encoding.UTF8.GetBytes("m v=1 1\n");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await queue.WriteAsync(bytes, 1, gone.Token));
        bytes.AsSpan().Fill((byte)'x');
        await queue.StopAsync(CancellationToken.None);

        Assert.Equal(1, await _influx.CountRowsAsync(db, "m"));
    }
}
