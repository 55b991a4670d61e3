using Telemetry.Agent.Checkpoints;
using Telemetry.Agent.Tailing;
using Telemetry.TestKit;

namespace Telemetry.Agent.Tests.Tailing;

public sealed class FileTailerTests
{
    private static IEnumerable<long> Range(long from, int count) => Enumerable.Range(0, count).Select(i => from + i);

    [Fact]
    public async Task Lines_appended_while_running_are_delivered_once_in_order()
    {
        using var dir = new TempDirectory();
        var exporter = new FakeExporter();
        await using var agent = new PipelineHarness(dir, exporter);
        PipelineHarness.Append(agent.Log(), 0, 500);
        await Task.Delay(50);
        PipelineHarness.Append(agent.Log(), 500, 500);
        var rids = await agent.DeliveredAsync(1000);
        PipelineHarness.AssertExactlyOnce(Range(0, 1000), rids);
    }

    [Fact]
    public async Task Start_at_end_skips_lines_present_at_start_and_reads_new_ones()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("logs"));
        PipelineHarness.Append(dir.Combine("logs", "access.log"), 0, 100);
        File.AppendAllText(dir.Combine("logs", "access.log"), "t=1700000000 rid=99999 half a line wri");
        var exporter = new FakeExporter();
        await using var agent = new PipelineHarness(dir, exporter, startAt: "end");
        await agent.WaitForAsync(() => agent.Tailer.FileCount == 1, "the file to be tracked");
        File.AppendAllText(agent.Log(), "tten before start\n");
        PipelineHarness.Append(agent.Log(), 100, 10);
        var rids = await agent.DeliveredAsync(10);
        PipelineHarness.AssertExactlyOnce(Range(100, 10), rids);
    }

    [Fact]
    public async Task File_created_after_start_is_read_from_its_beginning_even_with_start_at_end()
    {
        using var dir = new TempDirectory();
        var exporter = new FakeExporter();
        await using var agent = new PipelineHarness(dir, exporter, startAt: "end");
        await agent.WaitForAsync(() => agent.Tailer.ScanCount >= 1, "the start-up scan");
        PipelineHarness.Append(agent.Log(), 0, 50);
        var rids = await agent.DeliveredAsync(50);
        PipelineHarness.AssertExactlyOnce(Range(0, 50), rids);
    }

    [Fact]
    public async Task Rename_rotation_drains_the_old_file_and_reads_the_new_one()
    {
        using var dir = new TempDirectory();
        var exporter = new FakeExporter();
        await using var agent = new PipelineHarness(dir, exporter);
        PipelineHarness.Append(agent.Log(), 0, 200);
        await agent.DeliveredAsync(200);

        // logrotate (create): rename, the server keeps writing to the old inode until reopened, then a new file.
        exporter.Stall();
        PipelineHarness.Append(agent.Log(), 200, 300);
        File.Move(agent.Log(), agent.Log("access.log.1"));
        PipelineHarness.Append(agent.Log("access.log.1"), 500, 100);
        PipelineHarness.Append(agent.Log(), 600, 100);
        exporter.Release();

        var rids = await agent.DeliveredAsync(700);
        PipelineHarness.AssertExactlyOnce(Range(0, 700), rids);
        await agent.WaitForAsync(() => agent.Tailer.FileCount == 1, "the rotated file to be released");
    }

    [Fact]
    public async Task Copytruncate_restarts_at_zero_and_counts_the_truncation()
    {
        using var dir = new TempDirectory();
        var exporter = new FakeExporter();
        await using var agent = new PipelineHarness(dir, exporter);
        var truncations = new MeterCounter(agent.Metrics.Meter, "telemetry.agent.files.truncations");
        PipelineHarness.Append(agent.Log(), 0, 300);
        await agent.DeliveredAsync(300);
        File.Copy(agent.Log(), agent.Log("access.log.1"));
        using (new FileStream(agent.Log(), FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
        }

        await Task.Delay(100);
        PipelineHarness.Append(agent.Log(), 300, 50);
        var rids = await agent.DeliveredAsync(350);
        PipelineHarness.AssertExactlyOnce(Range(0, 350), rids);
        Assert.True(truncations.Total >= 1);
    }

    [Fact]
    public async Task Copytruncate_copy_matched_by_the_glob_continues_where_the_original_was_with_the_same_timestamps()
    {
        using var dir = new TempDirectory();
        var exporter = new FakeExporter();
        await using var agent = new PipelineHarness(dir, exporter, glob: "access.log*");
        PipelineHarness.Append(agent.Log(), 0, 300);
        await agent.DeliveredAsync(300);
        exporter.Stall();
        PipelineHarness.Append(agent.Log(), 300, 200); // not yet read (or read but unacknowledged) when rotated
        File.Copy(agent.Log(), agent.Log("access.log.1"));
        using (new FileStream(agent.Log(), FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
        }

        PipelineHarness.Append(agent.Log(), 500, 50);
        exporter.Release();
        await agent.DeliveredAsync(550);
        await Task.Delay(500);
        // Lines read from both the original and its copy are the same records at the same instants,
        // so InfluxDB stores each once: distinct (rid, time) pairs are what counts.
        var points = exporter.Records()
            .Select(r => (Rid: r.Attributes.Single(a => a.Key == "rid").Value.IntValue, r.TimeUnixNano))
            .Distinct().ToList();
        Assert.Equal(points.Count, points.Select(p => p.Rid).Distinct().Count());
        PipelineHarness.AssertExactlyOnce(Range(0, 550), [.. points.Select(p => p.Rid)]);
    }

    [Fact]
    public async Task Partial_last_line_waits_for_its_newline()
    {
        using var dir = new TempDirectory();
        var exporter = new FakeExporter();
        await using var agent = new PipelineHarness(dir, exporter);
        File.AppendAllText(agent.Log(), "t=1700000000 rid=1 first\nt=1700000000 rid=2 sec");
        await agent.DeliveredAsync(1);
        await Task.Delay(300);
        Assert.Equal([1L], exporter.Rids());
        File.AppendAllText(agent.Log(), "ond\n");
        var rids = await agent.DeliveredAsync(2);
        Assert.Equal([1L, 2L], rids);
        var second = exporter.Records()[1];
        Assert.Equal("second", second.Attributes.Single(a => a.Key == "text").Value.StringValue);
    }

    [Fact]
    public async Task Rotated_file_with_unterminated_last_line_flushes_it_once_idle()
    {
        using var dir = new TempDirectory();
        var exporter = new FakeExporter();
        await using var agent = new PipelineHarness(dir, exporter);
        File.AppendAllText(agent.Log(), "t=1700000000 rid=1 a\nt=1700000000 rid=2 no newline");
        await agent.DeliveredAsync(1);
        File.Move(agent.Log(), agent.Log("access.log.1"));
        var rids = await agent.DeliveredAsync(2);
        Assert.Equal([1L, 2L], rids);
    }

    [Fact]
    public async Task Deleted_file_with_unread_lines_is_drained_through_its_open_handle()
    {
        using var dir = new TempDirectory();
        var exporter = new FakeExporter();
        exporter.Stall();
        await using var agent = new PipelineHarness(dir, exporter);
        PipelineHarness.Append(agent.Log(), 0, 5000);
        await agent.WaitForAsync(() => agent.Tailer.FileCount == 1 && exporter.Calls >= 2, "the exporter to be saturated");
        File.Delete(agent.Log());
        await Task.Delay(100);
        exporter.Release();
        var rids = await agent.DeliveredAsync(5000);
        PipelineHarness.AssertExactlyOnce(Range(0, 5000), rids);
        await agent.WaitForAsync(() => agent.Tailer.FileCount == 0, "the deleted file to be released");
    }

    [Fact]
    public async Task Over_long_line_is_cut_counted_and_its_rest_is_not_a_new_line()
    {
        using var dir = new TempDirectory();
        var exporter = new FakeExporter();
        await using var agent = new PipelineHarness(dir, exporter, o => o.MaxLineBytes = 1000);
        var truncated = new MeterCounter(agent.Metrics.Meter, "telemetry.agent.lines.truncated");
        var huge = "t=1700000000 rid=2 " + new string('x', 300_000) + "t=1700000000 rid=666 must not appear";
        File.AppendAllText(agent.Log(), "t=1700000000 rid=1 a\n" + huge + "\nt=1700000000 rid=3 c\n");
        var rids = await agent.DeliveredAsync(3);
        Assert.Equal([1L, 2L, 3L], rids);
        var cut = exporter.Records()[1].Attributes.Single(a => a.Key == "text").Value.StringValue;
        Assert.Equal(1000 - "t=1700000000 rid=2 ".Length, cut.Length);
        Assert.Equal(1, truncated.Total);
    }

    [Fact]
    public async Task Restart_resumes_from_the_checkpoint_without_loss_or_duplicates()
    {
        using var dir = new TempDirectory();
        var exporter = new FakeExporter();
        await using (var agent = new PipelineHarness(dir, exporter))
        {
            PipelineHarness.Append(agent.Log(), 0, 400);
            await agent.DeliveredAsync(400);
        }

        PipelineHarness.Append(dir.Combine("logs", "access.log"), 400, 100);
        await using (var agent = new PipelineHarness(dir, exporter, startAt: "end"))
        {
            var rids = await agent.DeliveredAsync(500);
            PipelineHarness.AssertExactlyOnce(Range(0, 500), rids);
        }
    }

    [Fact]
    public async Task Checkpoint_of_a_reused_inode_with_other_content_is_not_resumed()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("logs"));
        var path = dir.Combine("logs", "access.log");
        PipelineHarness.Append(path, 0, 50);
        var identity = FileIdentity.OfPath(path)!.Value;
        var store = new CheckpointStore(dir.Combine("state"), TimeProvider.System, TimeSpan.FromDays(1), Microsoft.Extensions.Logging.Abstractions.NullLogger<CheckpointStore>.Instance);
        // A checkpoint left by an earlier file that had this device+inode but other first bytes.
        store.Set(new Checkpoint(identity, new Fingerprint(64, 0x1234), 1000, "/old/file", DateTimeOffset.FromUnixTimeSeconds(1_800_000_000).ToUnixTimeSeconds(), identity.Salt));
        store.Save();

        var exporter = new FakeExporter();
        await using var agent = new PipelineHarness(dir, exporter, startAt: "beginning");
        var rids = await agent.DeliveredAsync(50);
        PipelineHarness.AssertExactlyOnce(Range(0, 50), rids);
    }

    [Fact]
    public async Task Memory_stays_bounded_and_reading_stops_while_the_exporter_is_stalled()
    {
        using var dir = new TempDirectory();
        var exporter = new FakeExporter();
        exporter.Stall();
        await using var agent = new PipelineHarness(dir, exporter);
        var read = new MeterCounter(agent.Metrics.Meter, "telemetry.agent.lines.read");
        PipelineHarness.Append(agent.Log(), 0, 20_000);
        await agent.WaitForAsync(() => read.Total > 0, "reading to begin");
        await Task.Delay(500);
        // max_in_flight (2) batches exporting + 1 in the channel + 1 sealed + 1 open, 100 records each.
        var bound = (agent.Options.Batch.MaxInFlight + 3) * agent.Options.Batch.MaxRecords;
        Assert.InRange(read.Total, 1, bound);
        exporter.Release();
        var rids = await agent.DeliveredAsync(20_000);
        PipelineHarness.AssertExactlyOnce(Range(0, 20_000), rids);
    }

    [Fact]
    public async Task Directive_and_malformed_lines_advance_and_malformed_ones_carry_the_raw_line()
    {
        using var dir = new TempDirectory();
        var exporter = new FakeExporter();
        await using var agent = new PipelineHarness(dir, exporter);
        File.AppendAllText(agent.Log(), "#Fields: a b\nGARBAGE \xff here\nt=1700000000 rid=7 ok\n");
        await agent.WaitForAsync(() => exporter.Records().Count >= 2, "two records");
        var records = exporter.Records();
        Assert.Equal(2, records.Count);
        Assert.Equal("GARBAGE \u00ff here", records[0].Body.StringValue);
        Assert.Equal("expected t= at column 1", records[0].Attributes.Single(a => a.Key == "log.parse.error").Value.StringValue);
        Assert.Equal(7, records[1].Attributes.Single(a => a.Key == "rid").Value.IntValue);
    }

    [Fact]
    public async Task Malformed_and_cut_lines_are_logged_at_once_with_a_reason_then_summarised_at_most_once_a_minute()
    {
        using var dir = new TempDirectory();
        var exporter = new FakeExporter();
        var logger = new ListLogger<FileTailer>();
        await using var agent = new PipelineHarness(dir, exporter, o => o.MaxLineBytes = 100, logger: logger);
        var malformed = new MeterCounter(agent.Metrics.Meter, "telemetry.agent.lines.malformed");
        var cut = new MeterCounter(agent.Metrics.Meter, "telemetry.agent.lines.truncated");
        File.AppendAllText(agent.Log(), "GARBAGE one\nt=1700000000 rid=1 " + new string('x', 200) + "\nt=1700000000 rid=2 ok\n");
        await agent.WaitForAsync(() => exporter.Records().Count >= 3, "three records");
        await agent.WaitForAsync(() => logger.Entries.Any(e => e.EventId == 2012), "the cut line to be logged");
        var first = logger.Entries.Single(e => e.EventId == 2011);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, first.Level);
        Assert.Contains($"{agent.Log()}: 1 line(s) did not match the format", first.Message);
        Assert.Contains("the last at offset 0: expected t= at column 1", first.Message);
        Assert.Contains("longer than max_line_bytes (100)", logger.Entries.Single(e => e.EventId == 2012).Message);

        File.AppendAllText(agent.Log(), "GARBAGE two\nGARBAGE three\n");
        await agent.WaitForAsync(() => exporter.Records().Count >= 5, "five records");
        await Task.Delay(200);
        Assert.Single(logger.Entries, e => e.EventId == 2011);
        Assert.Equal(3, malformed.Total);
        Assert.Equal(1, cut.Total);
    }
}
