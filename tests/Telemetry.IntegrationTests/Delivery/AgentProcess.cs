using System.Diagnostics;
using System.Globalization;
using System.Text;
using Telemetry.IntegrationTests.Agent;
using Telemetry.IntegrationTests.Tls;
using Telemetry.TestKit;

namespace Telemetry.IntegrationTests.Delivery;

/// <summary>The built <c>telemetry-agent run</c> as a child process, its output kept.</summary>
internal sealed class AgentProcess : IAsyncDisposable
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

    /// <summary>An agent.yaml tailing <paramref name="log"/> from its beginning, fast batches and retries,
    /// agent metrics every second, with <paramref name="collector"/> as its <c>collector:</c> section.</summary>
    public static async Task<string> WriteConfigAsync(TempDirectory dir, IReadOnlyDictionary<string, string?> collector, string log)
    {
        var yaml = new StringBuilder()
            .Append("state_dir: \"").Append(dir.Combine("state")).Append("\"\n")
            .Append("collector:\n");
        foreach (var (key, value) in collector)
        {
            yaml.Append("  ").Append(key).Append(": \"").Append(value).Append("\"\n");
        }

        yaml.Append("  metrics_interval: \"00:00:01\"\n")
            .Append("sources:\n  - name: nginx\n    format: nginx\n    paths: [\"").Append(log).Append("\"]\n    start_at: beginning\n")
            .Append("batch:\n  max_records: 500\n  max_bytes: 1048576\n  max_delay: 00:00:00.2\n  max_in_flight: 1\n")
            .Append("poll_interval: 00:00:00.1\ncheckpoint_interval: 00:00:00.2\n")
            .Append("request_metrics:\n  enabled: false\nhost_metrics:\n  enabled: false\n");
        var path = dir.Combine("agent.yaml");
        await File.WriteAllTextAsync(path, yaml.ToString());
        return path;
    }

    /// <summary>The rid of every stored request point (lines written by <c>AgentPipelineFixture.Append</c>).</summary>
    public static async Task<List<long>> StoredRidsAsync(TlsCollectorFixture collector)
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

    /// <summary>Polls <paramref name="condition"/>; fails with the agent's output if it exits or time runs out.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            AssertRunning();
            Assert.True(DateTime.UtcNow < deadline, failure + "\nagent output:\n" + Output);
            await Task.Delay(200);
        }
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

    /// <summary>kill -9: no shutdown, so only checkpoints already written count.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
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
