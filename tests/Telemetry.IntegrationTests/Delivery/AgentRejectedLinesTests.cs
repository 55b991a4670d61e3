using System.Diagnostics;
using System.Globalization;
using System.Text;
using Telemetry.Collector.Pipeline;
using Telemetry.IntegrationTests.Agent;
using Telemetry.IntegrationTests.Tls;
using Telemetry.TestKit;

namespace Telemetry.IntegrationTests.Delivery;

/// <summary>
/// The built agent, tailing a file, against the real collector over mutual TLS with a token: a batch the
/// collector refuses as INVALID_ARGUMENT is a counted loss (<c>telemetry.agent.lines.rejected</c>, read
/// back from InfluxDB where the agent's own metrics land) and the file does not stall: later lines are
/// delivered, and after a restart the refused lines are not sent again (the checkpoint moved past them).
/// </summary>
public sealed class AgentRejectedLinesTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Lines_refused_as_invalid_are_counted_and_the_checkpoint_moves_past_them()
    {
        await using var collector = await TlsCollectorFixture.StartAsync(extraYaml: "limits:\n  max_records_per_request: 50\n");
        using var dir = new TempDirectory("agent-rejected");
        var log = dir.Combine("access.log");
        var config = await AgentProcess.WriteConfigAsync(dir, collector.AgentConfig(), log);

        // 120 lines already in the file: read in one go, one batch, over the collector's 50-record limit.
        AgentPipelineFixture.Append(log, 0, 120);
        await using (var agent = AgentProcess.Start(config))
        {
            await WaitUntilAsync(() => Task.FromResult(collector.Pipeline.Calls.Any(c => c.Result.Status == ExportStatus.InvalidArgument)), agent, "the collector never saw the oversized batch");
            AgentPipelineFixture.Append(log, 1000, 10);
            await WaitUntilAsync(async () => (await StoredRidsAsync(collector)).Count >= 10, agent, "lines after the refused batch were not delivered");
            await WaitUntilAsync(async () => await RejectedMetricAsync(collector) >= 120, agent, "telemetry.agent.lines.rejected never reached 120 in InfluxDB");
            Assert.Equal(120, await RejectedMetricAsync(collector));
            await agent.StopAsync();
        }

        await using (var restarted = AgentProcess.Start(config))
        {
            AgentPipelineFixture.Append(log, 2000, 5);
            await WaitUntilAsync(async () => (await StoredRidsAsync(collector)).Count >= 15, restarted, "lines after the restart were not delivered");
            await Task.Delay(1500);
            restarted.AssertRunning();
        }

        var stored = (await StoredRidsAsync(collector)).Order().ToList();
        Assert.Equal(Enumerable.Range(1000, 10).Concat(Enumerable.Range(2000, 5)).Select(i => (long)i).ToList(), stored);
        var invalid = collector.Pipeline.Calls.Count(c => c.Result.Status == ExportStatus.InvalidArgument);
        Assert.Equal(1, invalid);
    }

    private static Task<List<long>> StoredRidsAsync(TlsCollectorFixture collector) => AgentProcess.StoredRidsAsync(collector);

    private static async Task<double> RejectedMetricAsync(TlsCollectorFixture collector)
    {
        var series = await collector.Influx.QueryAsync(collector.Database, "SELECT sum(\"value\") FROM \"telemetry.agent.lines.rejected\"");
        var row = series.SelectMany(s => s.Rows()).FirstOrDefault();
        return row is null ? 0 : row["sum"].GetDouble();
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, AgentProcess agent, string failure) =>
        agent.WaitUntilAsync(condition, Wait, failure);
}
