using System.Diagnostics;

namespace Telemetry.IntegrationTests.Agent;

/// <summary>
/// Agent -> collector -> influxd, with faults. Each test writes lines with unique request ids and checks
/// that InfluxDB holds each exactly once: 0 lost, 0 duplicated. Needs /usr/bin/influxd (fails without it).
/// </summary>
[Collection("agent-e2e")]
public sealed class AgentEndToEndTests
{
    /// <summary>Appends <paramref name="total"/> lines in chunks, with a pause between chunks (load, not one burst).</summary>
    private static async Task WriteUnderLoadAsync(string path, long from, int total, int chunk = 200, int pauseMs = 20, Func<long, Task>? between = null)
    {
        for (long written = 0; written < total; written += chunk)
        {
            var n = (int)Math.Min(chunk, total - written);
            AgentPipelineFixture.Append(path, from + written, n);
            if (between is not null)
            {
                await between(written + n);
            }

            await Task.Delay(pauseMs);
        }
    }

    [Fact]
    public async Task Agent_killed_with_sigkill_mid_stream_and_restarted_loses_and_duplicates_nothing()
    {
        await using var e2e = await AgentPipelineFixture.StartAsync();
        e2e.StartAgent();
        var killed = false;
        await WriteUnderLoadAsync(e2e.AccessLog, 0, 20_000, between: async written =>
        {
            if (!killed && written >= 8_000)
            {
                killed = true;
                await e2e.KillAgentAsync();
                AgentPipelineFixture.Append(e2e.AccessLog, 20_000, 1_000); // written while the agent is dead
                e2e.StartAgent();
            }
        });
        await e2e.AssertExactlyOnceAsync(0, 21_000);
        e2e.AssertAgentRunning();
    }

    [Fact]
    public async Task Collector_stopped_for_a_while_and_restarted_loses_and_duplicates_nothing()
    {
        await using var e2e = await AgentPipelineFixture.StartAsync();
        e2e.StartAgent();
        AgentPipelineFixture.Append(e2e.AccessLog, 0, 3_000);
        await Task.Delay(1500);
        await e2e.StopCollectorAsync();
        await WriteUnderLoadAsync(e2e.AccessLog, 3_000, 5_000);
        await Task.Delay(3000);
        await e2e.StartCollectorAsync();
        AgentPipelineFixture.Append(e2e.AccessLog, 8_000, 2_000);
        await e2e.AssertExactlyOnceAsync(0, 10_000);
        e2e.AssertAgentRunning();
    }

    [Fact]
    public async Task Rename_rotation_under_load_loses_and_duplicates_nothing()
    {
        await using var e2e = await AgentPipelineFixture.StartAsync();
        await e2e.StartAgentTailingAsync();
        var rotations = 0;
        await WriteUnderLoadAsync(e2e.AccessLog, 0, 20_000, between: async written =>
        {
            if (written % 5_000 == 0)
            {
                // A file renamed out of the glob before the agent ever saw it cannot be read by any tailer
                // (logrotate leaves hours, not half a second): wait, if need be, until the agent has opened
                // the current access.log. Normally it has, long ago.
                await e2e.WaitForAgentLogAsync(rotations + 1, AgentPipelineFixture.TailingLog(e2e.AccessLog));

                // logrotate "create": access.log.1 -> .2, access.log -> .1, new access.log.
                rotations++;
                var one = e2e.AccessLog + ".1";
                if (File.Exists(one))
                {
                    File.Move(one, e2e.AccessLog + ".2", overwrite: true);
                }

                File.Move(e2e.AccessLog, one);
                File.WriteAllText(e2e.AccessLog, "");
            }
        });
        Assert.True(rotations >= 3);
        await e2e.AssertExactlyOnceAsync(0, 20_000);
    }

    [Fact]
    public async Task Copytruncate_rotation_under_load_loses_and_duplicates_nothing_when_the_copy_is_tailed_too()
    {
        // logrotate copytruncate with "rotate 2": access.log.1 -> .2 (replacing it), copy access.log to a new
        // access.log.1, truncate access.log. Lines written between the copy and the truncation are lost by
        // logrotate itself, so the writer pauses during the copy (this callback runs between two writes).
        // The glob matches the copies too: a copy continues where the original was read, on the same points.
        await using var e2e = await AgentPipelineFixture.StartAsync(glob: "access.log*");
        await e2e.StartAgentTailingAsync();
        var rotations = 0;
        var one = e2e.AccessLog + ".1";
        await WriteUnderLoadAsync(e2e.AccessLog, 0, 15_000, between: written =>
        {
            if (written % 5_000 == 0)
            {
                rotations++;
                if (File.Exists(one))
                {
                    File.Move(one, e2e.AccessLog + ".2", overwrite: true);
                }

                File.Copy(e2e.AccessLog, one);
                using var truncate = new FileStream(e2e.AccessLog, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite);
            }

            return Task.CompletedTask;
        });
        Assert.True(rotations >= 2);
        await e2e.AssertExactlyOnceAsync(0, 15_000);
    }

    [Fact]
    public async Task Rotated_file_deleted_while_unread_is_drained_through_the_open_handle()
    {
        await using var e2e = await AgentPipelineFixture.StartAsync();
        // The collector is down: the agent opens the file, reads a little, then waits.
        await e2e.StopCollectorAsync();
        await e2e.StartAgentTailingAsync();
        AgentPipelineFixture.Append(e2e.AccessLog, 0, 30_000);
        await Task.Delay(1000);
        File.Move(e2e.AccessLog, e2e.AccessLog + ".1");
        File.Delete(e2e.AccessLog + ".1");
        AgentPipelineFixture.Append(e2e.AccessLog, 30_000, 1_000);
        await e2e.StartCollectorAsync();
        await e2e.AssertExactlyOnceAsync(0, 31_000);
    }

    [Fact]
    public async Task One_megabyte_lines_are_delivered_once()
    {
        await using var e2e = await AgentPipelineFixture.StartAsync(maxLineBytes: 2 * 1024 * 1024, maxBatchBytes: 4 * 1024 * 1024);
        e2e.StartAgent();
        for (var i = 0; i < 20; i++)
        {
            AgentPipelineFixture.Append(e2e.AccessLog, i * 10, 10, padding: 1024 * 1024);
        }

        await e2e.AssertExactlyOnceAsync(0, 200, TimeSpan.FromSeconds(120));
    }

    [Fact]
    public async Task Check_command_of_the_built_binary_lists_the_sources_files()
    {
        await using var e2e = await AgentPipelineFixture.StartAsync();
        File.WriteAllText(e2e.AccessLog, "");
        using var process = Process.Start(AgentPipelineFixture.AgentStartInfo("check", "--config", e2e.Dir.Combine("agent.yaml")))!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, stderr);
        Assert.Contains(e2e.AccessLog, stdout);
    }
}
