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
        var config = dir.Combine("agent.yaml");
        var agentCollector = collector.AgentConfig();
        var yaml = new StringBuilder()
            .Append("state_dir: \"").Append(dir.Combine("state")).Append("\"\n")
            .Append("collector:\n");
        foreach (var (key, value) in agentCollector)
        {
            yaml.Append("  ").Append(key).Append(": \"").Append(value).Append("\"\n");
        }

        yaml.Append("  metrics_interval: \"00:00:01\"\n")
            .Append("sources:\n  - name: nginx\n    format: nginx\n    paths: [\"").Append(log).Append("\"]\n    start_at: beginning\n")
            .Append("batch:\n  max_records: 500\n  max_bytes: 1048576\n  max_delay: 00:00:00.2\n  max_in_flight: 1\n")
            .Append("poll_interval: 00:00:00.1\ncheckpoint_interval: 00:00:00.2\n")
            .Append("request_metrics:\n  enabled: false\nhost_metrics:\n  enabled: false\n");
        await File.WriteAllTextAsync(config, yaml.ToString());

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

    private static async Task<List<long>> StoredRidsAsync(TlsCollectorFixture collector)
    {
        var series = await collector.Influx.QueryAsync(collector.Database, "SELECT \"query\" FROM \"http_requests\"");
        var rids = new List<long>();
        foreach (var row in series.SelectMany(s => s.Rows()))
        {
            var query = row["query"].GetString() ?? "";
            rids.Add(long.Parse(query.AsSpan(4), CultureInfo.InvariantCulture));
        }

        return rids;
    }

    private static async Task<double> RejectedMetricAsync(TlsCollectorFixture collector)
    {
        var series = await collector.Influx.QueryAsync(collector.Database, "SELECT sum(\"value\") FROM \"telemetry.agent.lines.rejected\"");
        var row = series.SelectMany(s => s.Rows()).FirstOrDefault();
        return row is null ? 0 : row["sum"].GetDouble();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, AgentProcess agent, string failure)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            agent.AssertRunning();
            Assert.True(DateTime.UtcNow < deadline, failure + "\nagent output:\n" + agent.Output);
            await Task.Delay(200);
        }
    }

    /// <summary>The built <c>telemetry-agent run</c> as a child process, its output kept.</summary>
    private sealed class AgentProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private AgentProcess(Process process)
        {
            _process = process;
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.Length > 6000 ? _output.ToString(_output.Length - 6000, 6000) : _output.ToString();
                }
            }
        }

        public static AgentProcess Start(string config)
        {
            var process = new Process { StartInfo = AgentPipelineFixture.AgentStartInfo("run", "--config", config) };
            var agent = new AgentProcess(process);
            process.OutputDataReceived += (_, e) => agent.Capture(e.Data);
            process.ErrorDataReceived += (_, e) => agent.Capture(e.Data);
            Assert.True(process.Start());
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return agent;
        }

        public void AssertRunning() => Assert.False(_process.HasExited, "agent exited:\n" + Output);

        /// <summary>SIGTERM, as systemd stops it: the agent writes its checkpoints and exits 0.</summary>
        public async Task StopAsync()
        {
            if (_process.HasExited)
            {
                return;
            }

            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill!.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(timeout.Token);
            Assert.True(_process.ExitCode == 0, $"agent exited with {_process.ExitCode}:\n{Output}");
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private void Capture(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
