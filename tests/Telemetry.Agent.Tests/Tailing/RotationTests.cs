using Telemetry.TestKit;

namespace Telemetry.Agent.Tests.Tailing;

/// <summary>
/// Rotation schemes as logrotate and hand-written scripts do them, while lines keep coming: every line must
/// end up at exactly one point (rid, time); a line read twice (from an original and its copy) is fine only
/// when it lands on the same instant, which InfluxDB stores once.
/// </summary>
public sealed class RotationTests
{
    private static IEnumerable<long> Range(long from, int count) => Enumerable.Range(0, count).Select(i => from + i);

    /// <summary>Distinct (rid, time) pairs delivered; a rid at two instants would be a duplicate point.</summary>
    private static List<(long Rid, ulong Time)> Points(FakeExporter exporter) =>
    [
        .. exporter.Records()
            .Select(r => (Rid: r.Attributes.FirstOrDefault(a => a.Key == "rid")?.Value.IntValue ?? -1, Time: r.TimeUnixNano))
            .Distinct(),
    ];

    private static async Task<List<(long Rid, ulong Time)>> WaitForPointsAsync(PipelineHarness agent, FakeExporter exporter, int expected)
    {
        await agent.WaitForAsync(() => Points(exporter).Select(p => p.Rid).Distinct().Count() >= expected, $"{expected} distinct rids");
        await Task.Delay(300);
        return Points(exporter);
    }

    private static void AssertEachRidOnOnePoint(IEnumerable<long> expected, List<(long Rid, ulong Time)> points)
    {
        var twice = points.GroupBy(p => p.Rid).Where(g => g.Count() > 1).Select(g => g.Key).Take(10).ToList();
        Assert.True(twice.Count == 0, "rids at two instants (duplicate points): " + string.Join(",", twice));
        PipelineHarness.AssertExactlyOnce(expected, [.. points.Select(p => p.Rid)]);
    }

    private static void Truncate(string path)
    {
        using var truncate = new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite);
    }

    [Fact]
    public async Task Rename_rotation_chain_with_the_second_generation_overwritten_loses_and_duplicates_nothing()
    {
        // logrotate "create" with rotate 2: access.log.1 -> access.log.2 (replacing it), access.log -> .1,
        // a new access.log; four times, each time with lines still unread or unacknowledged in the old file.
        using var dir = new TempDirectory();
        var exporter = new FakeExporter();
        await using var agent = new PipelineHarness(dir, exporter);
        File.WriteAllText(agent.Log(), "");
        await agent.WaitForAsync(() => agent.Tailer.FileCount == 1, "the file to be tracked");
        const int PerGeneration = 1000;
        for (var generation = 0; generation < 4; generation++)
        {
            var from = generation * PerGeneration;
            PipelineHarness.Append(agent.Log(), from, PerGeneration / 2);
            exporter.Stall();
            PipelineHarness.Append(agent.Log(), from + (PerGeneration / 2), PerGeneration / 2);
            if (File.Exists(agent.Log("access.log.1")))
            {
                File.Move(agent.Log("access.log.1"), agent.Log("access.log.2"), overwrite: true);
            }

            File.Move(agent.Log(), agent.Log("access.log.1"));
            File.WriteAllText(agent.Log(), "");
            exporter.Release();

            // A file that lives at the watched path for less than one scan is never seen by any tailer whose
            // glob does not match the rotated names; logrotate leaves hours, this test waits for two scans.
            var scans = agent.Tailer.ScanCount;
            await agent.WaitForAsync(() => agent.Tailer.ScanCount >= scans + 2, "the new file to be scanned");
        }

        var rids = await agent.DeliveredAsync(4 * PerGeneration);
        PipelineHarness.AssertExactlyOnce(Range(0, 4 * PerGeneration), rids);
        await agent.WaitForAsync(() => agent.Tailer.FileCount == 1, "the rotated files to be released");
    }

    [Fact]
    public async Task Files_rotated_twice_while_delivery_is_stalled_are_all_delivered_once_it_resumes()
    {
        // The collector is down: reading stops (the files are the buffer), but new files must still be opened
        // as they appear, or a generation that lives at access.log only during the outage is never read.
        using var dir = new TempDirectory();
        var exporter = new FakeExporter();
        exporter.Stall();
        await using var agent = new PipelineHarness(dir, exporter);
        PipelineHarness.Append(agent.Log(), 0, 2000);
        await agent.WaitForAsync(() => exporter.Calls >= 2, "delivery to be saturated");
        for (var generation = 1; generation <= 3; generation++)
        {
            if (File.Exists(agent.Log("access.log.1")))
            {
                File.Move(agent.Log("access.log.1"), agent.Log("access.log.2"), overwrite: true);
            }

            File.Move(agent.Log(), agent.Log("access.log.1"));
            PipelineHarness.Append(agent.Log(), generation * 2000, 2000);
            var scans = agent.Tailer.ScanCount;
            await agent.WaitForAsync(() => agent.Tailer.ScanCount >= scans + 2, "a scan while delivery is stalled");
        }

        Assert.Equal(4, agent.Tailer.FileCount);
        exporter.Release();
        var rids = await agent.DeliveredAsync(8000);
        PipelineHarness.AssertExactlyOnce(Range(0, 8000), rids);
    }

    [Fact]
    public async Task Copy_written_over_a_tailed_copy_continues_the_original_on_the_same_points()
    {
        // Copytruncate into a fixed name (`cp access.log access.log.1; : > access.log`), with the glob matching
        // the copy: from the second rotation on, the copy is written over a file the agent is reading.
        using var dir = new TempDirectory();
        var exporter = new FakeExporter();
        await using var agent = new PipelineHarness(dir, exporter, glob: "access.log*");
        PipelineHarness.Append(agent.Log(), 0, 300);
        await WaitForPointsAsync(agent, exporter, 300);

        File.Copy(agent.Log(), agent.Log("access.log.1"));
        Truncate(agent.Log());
        PipelineHarness.Append(agent.Log(), 300, 400);
        await WaitForPointsAsync(agent, exporter, 700);
        await agent.WaitForAsync(() => agent.Tailer.FileCount == 2, "the copy to be tracked");

        // The second generation is longer than the first: by size alone, the copy just looks appended to.
        exporter.Stall();
        File.Copy(agent.Log(), agent.Log("access.log.1"), overwrite: true);
        Truncate(agent.Log());
        PipelineHarness.Append(agent.Log(), 700, 100);
        exporter.Release();

        var points = await WaitForPointsAsync(agent, exporter, 800);
        AssertEachRidOnOnePoint(Range(0, 800), points);
    }

    [Fact]
    public async Task File_truncated_and_regrown_past_the_read_position_while_delivery_was_stalled_is_read_from_its_beginning()
    {
        // Copytruncate while the agent waits for the collector: by the time it looks again, the server has
        // written more than the agent had read. Its size says "appended"; its first bytes say "new content".
        using var dir = new TempDirectory();
        var exporter = new FakeExporter();
        await using var agent = new PipelineHarness(dir, exporter);
        PipelineHarness.Append(agent.Log(), 0, 100);
        await agent.DeliveredAsync(100);
        await agent.WaitForAsync(() => agent.Tailer.Lag().All(m => m.Value == 0), "the file to be read to its end");

        // Stopping the tailer's loop is not possible from outside, but a file it has read to the end is not
        // read again until it grows: truncating and regrowing it in one step is the same as a stalled agent.
        var path = agent.Log();
        var temp = agent.Log("next.tmp");
        PipelineHarness.Append(temp, 100, 300);
        File.Copy(temp, path, overwrite: true);
        File.Delete(temp);

        var rids = await agent.DeliveredAsync(400);
        PipelineHarness.AssertExactlyOnce(Range(0, 400), rids);
    }
}
