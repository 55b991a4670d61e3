using Telemetry.Agent.Delivery;
using Telemetry.TestKit.Certificates;

namespace Telemetry.IntegrationTests.Tls;

/// <summary>
/// Agent exporter against the real collector and a real InfluxDB over TLS + mutual TLS + bearer token:
/// lines are stored only when they arrive on the authenticated, encrypted channel; with a wrong CA or
/// without a client certificate the agent fails closed and the lines wait (never acknowledged, never
/// rejected) until the configuration is fixed.
/// </summary>
public sealed class AgentCollectorTlsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Lines_reach_InfluxDB_over_mutual_tls_with_a_bearer_token()
    {
        await using var collector = await TlsCollectorFixture.StartAsync();
        using var agent = new AgentExportHarness(collector.AgentConfig());

        var ack = await agent.Exporter.ExportAsync(AgentExportHarness.AccessLines(25, "/tls"), 25, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(new ExportAck(ExportAckStatus.Accepted), ack);
        Assert.Equal(25, await collector.RequestRowsAsync());
    }

    [Fact]
    public async Task Plain_text_agent_gets_nothing_into_InfluxDB()
    {
        await using var collector = await TlsCollectorFixture.StartAsync();
        var config = collector.AgentConfig();
        config["endpoint"] = $"http://127.0.0.1:{collector.GrpcPort}";
        config["insecure"] = "true";
        config.Remove("ca_file");
        config.Remove("client_cert_file");
        config.Remove("client_key_file");
        using var agent = new AgentExportHarness(config);

        await AssertWaitsAsync(agent, AgentExportHarness.AccessLines(5, "/plain"), collector);
        AssertRefusalLogged(agent, "https://");
    }

    [Fact]
    public async Task Wrong_ca_fails_closed_and_the_lines_wait_until_the_config_is_fixed()
    {
        await using var collector = await TlsCollectorFixture.StartAsync();
        using var otherPki = TestCertificates.Create("other-ca");
        var wrong = collector.AgentConfig();
        wrong["ca_file"] = otherPki.CaFile;
        var lines = AgentExportHarness.AccessLines(12, "/wrong-ca");

        using (var misconfigured = new AgentExportHarness(wrong))
        {
            await AssertWaitsAsync(misconfigured, lines, collector);
            AssertRefusalLogged(misconfigured, "collector.ca_file");
        }

        // The operator fixes ca_file and restarts the agent: the same unacknowledged lines are sent again.
        using var fixedAgent = new AgentExportHarness(collector.AgentConfig());
        var ack = await fixedAgent.Exporter.ExportAsync(lines, 12, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(ExportAckStatus.Accepted, ack.Status);
        Assert.Equal(12, await collector.RequestRowsAsync());
    }

    [Fact]
    public async Task Missing_client_certificate_fails_closed_and_the_lines_wait_until_the_config_is_fixed()
    {
        await using var collector = await TlsCollectorFixture.StartAsync();
        var noClientCert = collector.AgentConfig();
        noClientCert.Remove("client_cert_file");
        noClientCert.Remove("client_key_file");
        var lines = AgentExportHarness.AccessLines(8, "/no-client-cert");

        using (var misconfigured = new AgentExportHarness(noClientCert))
        {
            await AssertWaitsAsync(misconfigured, lines, collector);
            AssertRefusalLogged(misconfigured, "client_cert_file");
        }

        using var fixedAgent = new AgentExportHarness(collector.AgentConfig());
        var ack = await fixedAgent.Exporter.ExportAsync(lines, 8, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(ExportAckStatus.Accepted, ack.Status);
        Assert.Equal(8, await collector.RequestRowsAsync());
    }

    [Fact]
    public async Task Wrong_token_is_retried_until_the_token_file_is_fixed_without_a_restart()
    {
        await using var collector = await TlsCollectorFixture.StartAsync();
        var tokenFile = collector.Pki.Write("agent-token", "stale-token\n");
        var config = collector.AgentConfig();
        config.Remove("bearer_token");
        config["bearer_token_file"] = tokenFile;
        using var agent = new AgentExportHarness(config);
        var lines = AgentExportHarness.AccessLines(6, "/token");

        var export = agent.Exporter.ExportAsync(lines, 6, CancellationToken.None);
        await WaitForFailuresAsync(agent, 2);
        Assert.False(export.IsCompleted);
        Assert.Equal(Grpc.Core.StatusCode.Unauthenticated, agent.Instruments.LastError?.Status);
        Assert.Equal(0, await collector.RequestRowsAsync());
        AssertRefusalLogged(agent, "bearer_token");

        await File.WriteAllTextAsync(tokenFile, TlsCollectorFixture.Token + "\n");
        var ack = await export.WaitAsync(Wait);

        Assert.Equal(ExportAckStatus.Accepted, ack.Status);
        Assert.Equal(6, await collector.RequestRowsAsync());
    }

    [Fact]
    public async Task Missing_token_is_refused_as_unauthenticated_and_nothing_is_stored()
    {
        await using var collector = await TlsCollectorFixture.StartAsync();
        var config = collector.AgentConfig();
        config.Remove("bearer_token");
        using var agent = new AgentExportHarness(config);

        await AssertWaitsAsync(agent, AgentExportHarness.AccessLines(4, "/no-token"), collector);

        Assert.Equal(Grpc.Core.StatusCode.Unauthenticated, agent.Instruments.LastError?.Status);
        AssertRefusalLogged(agent, "bearer_token");
        Assert.Empty(collector.Pipeline.Calls);
    }

    /// <summary>Each failed attempt is an error naming the setting to fix; nothing is reported rejected.</summary>
    private static void AssertRefusalLogged(AgentExportHarness agent, string setting)
    {
        var refusals = agent.Logs.Entries.Where(e => e.EventId == 3001).ToList();
        Assert.True(refusals.Count >= 2, "expected an error per failed attempt (event 3001):\n" + agent.Logs.Text);
        Assert.All(refusals, e => Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, e.Level));
        Assert.Contains(setting, refusals[^1].Message, StringComparison.Ordinal);
        Assert.DoesNotContain(agent.Logs.Entries, e => e.EventId == 3002);
    }

    /// <summary>The export neither completes nor stores anything; shutting the agent down leaves it unacknowledged.</summary>
    private static async Task AssertWaitsAsync(AgentExportHarness agent, byte[] lines, TlsCollectorFixture collector)
    {
        using var shutdown = new CancellationTokenSource();
        var export = agent.Exporter.ExportAsync(lines, 1, shutdown.Token);
        await WaitForFailuresAsync(agent, 3);

        Assert.False(export.IsCompleted, $"a batch that could not be delivered was answered: {(export.IsCompletedSuccessfully ? export.Result : default)}");
        Assert.Equal(0, await collector.RequestRowsAsync());
        await shutdown.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => export.WaitAsync(Wait));
        Assert.Equal(0, await collector.RequestRowsAsync());
    }

    private static async Task WaitForFailuresAsync(AgentExportHarness agent, int failures)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (agent.Instruments.ConsecutiveFailures < failures && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(agent.Instruments.ConsecutiveFailures >= failures, $"only {agent.Instruments.ConsecutiveFailures} failed attempts");
    }
}
