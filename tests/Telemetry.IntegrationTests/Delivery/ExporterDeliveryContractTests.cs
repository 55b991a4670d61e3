using System.Diagnostics;
using Telemetry.Agent.Delivery;
using Telemetry.Collector.Pipeline;
using Telemetry.IntegrationTests.Tls;

namespace Telemetry.IntegrationTests.Delivery;

/// <summary>
/// The agent's exporter against the real collector (TLS, client certificate, token) and a real influxd:
/// what the agent does with each kind of answer. UNAVAILABLE with RetryInfo: wait as told, then deliver,
/// each line stored once. partial_success: the refused records are reported, not sent again.
/// INVALID_ARGUMENT: the batch is reported rejected after one attempt, never retried.
/// </summary>
public sealed class ExporterDeliveryContractTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Unavailable_with_RetryInfo_waits_the_collectors_delay_then_stores_each_line_once()
    {
        await using var collector = await TlsCollectorFixture.StartAsync();
        var retryAfter = TimeSpan.FromMilliseconds(800);
        collector.Pipeline.AnswerNext(ExportResult.Unavailable("storage down (scripted)", retryAfter));
        collector.Pipeline.AnswerNext(ExportResult.Unavailable("storage down (scripted)", retryAfter));
        // The agent's own backoff is at most 200 ms: only RetryInfo can make it wait 800 ms.
        using var agent = new AgentExportHarness(collector.AgentConfig());

        var ack = await agent.Exporter.ExportAsync(AgentExportHarness.AccessLines(15, "/retry-info"), 15, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(new ExportAck(ExportAckStatus.Accepted), ack);
        var calls = collector.Pipeline.Calls;
        Assert.Equal(3, calls.Count);
        for (var i = 1; i < calls.Count; i++)
        {
            var gap = Stopwatch.GetElapsedTime(calls[i - 1].Answered, calls[i].Started);
            Assert.True(gap >= retryAfter - TimeSpan.FromMilliseconds(50), $"retry {i} came {gap.TotalMilliseconds:F0} ms after the answer asking for {retryAfter.TotalMilliseconds} ms");
        }

        Assert.Equal(15, await collector.RequestRowsAsync());
        var unreachable = agent.Logs.Entries.Where(e => e.EventId == 3000).ToList();
        Assert.Equal(2, unreachable.Count);
        Assert.Contains("storage down (scripted)", unreachable[0].Message, StringComparison.Ordinal);
        Assert.Contains(agent.Logs.Entries, e => e.EventId == 3003);
    }

    [Fact]
    public async Task Influxd_down_is_answered_unavailable_and_the_batch_is_stored_once_when_it_is_back()
    {
        await using var collector = await TlsCollectorFixture.StartAsync(
            influxYaml: "  max_retries: 1\n  retry_initial_backoff: \"00:00:00.050\"\n  retry_max_backoff: \"00:00:01\"\n  timeout: \"00:00:02\"\n");
        using var agent = new AgentExportHarness(collector.AgentConfig());
        await collector.Influx.StopAsync();

        var export = agent.Exporter.ExportAsync(AgentExportHarness.AccessLines(20, "/influx-down"), 20, CancellationToken.None);
        var deadline = DateTime.UtcNow + Wait;
        while (collector.Pipeline.Calls.Count(c => c.Result.Status == ExportStatus.Unavailable) < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var failed = collector.Pipeline.Calls;
        Assert.True(failed.Count >= 3 && failed.All(c => c.Result.Status == ExportStatus.Unavailable), "collector answers while influxd is down: " + string.Join(", ", failed.Select(c => c.Result.Status)));
        Assert.False(export.IsCompleted);
        Assert.Equal(Grpc.Core.StatusCode.Unavailable, agent.Instruments.LastError?.Status);
        for (var i = 1; i < failed.Count; i++)
        {
            var asked = failed[i - 1].Result.RetryAfter ?? TimeSpan.Zero;
            var gap = Stopwatch.GetElapsedTime(failed[i - 1].Answered, failed[i].Started);
            Assert.True(asked >= TimeSpan.FromMilliseconds(500) && gap >= asked - TimeSpan.FromMilliseconds(50), $"asked to wait {asked.TotalMilliseconds} ms, retried after {gap.TotalMilliseconds:F0} ms");
        }

        await collector.Influx.StartAsync();
        var ack = await export.WaitAsync(Wait);

        Assert.Equal(ExportAckStatus.Accepted, ack.Status);
        await Task.Delay(500);
        Assert.Equal(20, await collector.RequestRowsAsync());
    }

    [Fact]
    public async Task Partial_success_reports_the_refused_records_and_does_not_send_them_again()
    {
        await using var collector = await TlsCollectorFixture.StartAsync(extraYaml: "limits:\n  max_attributes_per_record: 8\n");
        using var agent = new AgentExportHarness(collector.AgentConfig());

        var ack = await agent.Exporter.ExportAsync(
            AgentExportHarness.AccessLines(10, "/partial", oversized: 3, oversizedAttributes: 12), 13, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(ExportAckStatus.PartiallyAccepted, ack.Status);
        Assert.Equal(3, ack.RejectedRecords);
        Assert.Contains("max_attributes_per_record", ack.Message, StringComparison.Ordinal);
        await Task.Delay(1000);
        Assert.Single(collector.Pipeline.Calls);
        Assert.Equal(10, await collector.RequestRowsAsync());
        Assert.Equal(0, agent.Instruments.ConsecutiveFailures);
    }

    [Fact]
    public async Task Invalid_argument_is_reported_rejected_after_one_attempt_and_never_retried()
    {
        await using var collector = await TlsCollectorFixture.StartAsync(extraYaml: "limits:\n  max_records_per_request: 10\n");
        using var agent = new AgentExportHarness(collector.AgentConfig());

        var ack = await agent.Exporter.ExportAsync(AgentExportHarness.AccessLines(20, "/invalid"), 20, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(ExportAckStatus.Rejected, ack.Status);
        Assert.Equal(20, ack.RejectedRecords);
        Assert.Contains("max_records_per_request", ack.Message, StringComparison.Ordinal);
        await Task.Delay(1000);
        var call = Assert.Single(collector.Pipeline.Calls);
        Assert.Equal(ExportStatus.InvalidArgument, call.Result.Status);
        Assert.Equal(0, await collector.RequestRowsAsync());
        var rejected = Assert.Single(agent.Logs.Entries, e => e.EventId == 3002);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, rejected.Level);
        Assert.Contains("InvalidArgument", rejected.Message, StringComparison.Ordinal);
    }
}
