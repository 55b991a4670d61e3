using Telemetry.IntegrationTests.Agent;
using Telemetry.IntegrationTests.Delivery;
using Telemetry.TestKit;
using Telemetry.TestKit.Certificates;

namespace Telemetry.IntegrationTests.Tls;

/// <summary>
/// The built agent tailing a file, against the real collector over mutual TLS with a token. Misconfigured
/// (wrong CA, no or untrusted client certificate, wrong token), it says what to fix in its log, stores nothing and
/// acknowledges nothing: killed and restarted with the right configuration, it stores every line of the file
/// exactly once (had a checkpoint moved, lines would be missing).
/// </summary>
public sealed class AgentProcessTlsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("wrong_ca", "collector.ca_file")]
    [InlineData("no_client_certificate", "client_cert_file")]
    [InlineData("client_certificate_from_another_ca", "client_cert_file")]
    [InlineData("wrong_token", "bearer_token")]
    public async Task Misconfigured_agent_logs_the_fix_stores_nothing_and_delivers_every_line_once_fixed(string mistake, string hint)
    {
        await using var collector = await TlsCollectorFixture.StartAsync();
        using var otherPki = TestCertificates.Create("other-ca");
        using var dir = new TempDirectory("agent-tls");
        var log = dir.Combine("access.log");
        var wrong = collector.AgentConfig();
        switch (mistake)
        {
            case "wrong_ca":
                wrong["ca_file"] = otherPki.CaFile;
                break;
            case "no_client_certificate":
                wrong.Remove("client_cert_file");
                wrong.Remove("client_key_file");
                break;
            case "client_certificate_from_another_ca":
                wrong["client_cert_file"] = otherPki.ClientCertFile;
                wrong["client_key_file"] = otherPki.ClientKeyFile;
                break;
            default:
                wrong["bearer_token"] = "not-the-token";
                break;
        }

        AgentPipelineFixture.Append(log, 0, 30);
        var config = await AgentProcess.WriteConfigAsync(dir, wrong, log);
        await using (var agent = AgentProcess.Start(config))
        {
            await agent.WaitUntilAsync(
                () => Task.FromResult(CountOccurrences(agent.Output, "Collector refuses the agent") >= 3),
                Wait,
                "the agent did not log the refusal three times");
            Assert.Contains(hint, agent.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("rejected", agent.Output, StringComparison.OrdinalIgnoreCase);
            Assert.Empty(await AgentProcess.StoredRidsAsync(collector));
            Assert.Empty(collector.Pipeline.Calls);

            // Killed, not stopped: the checkpoints on disk are those written while it ran (every 200 ms).
            await agent.KillAsync();
        }

        await AgentProcess.WriteConfigAsync(dir, collector.AgentConfig(), log);
        await using (var agent = AgentProcess.Start(config))
        {
            await agent.WaitUntilAsync(async () => (await AgentProcess.StoredRidsAsync(collector)).Count >= 30, Wait, "the lines were not delivered after the fix");
            await Task.Delay(1000);
            agent.AssertRunning();
        }

        var stored = (await AgentProcess.StoredRidsAsync(collector)).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i).ToList(), stored);
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
