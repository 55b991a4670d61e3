using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Telemetry.Collector.Pipeline;
using Telemetry.IntegrationTests.Agent;
using Telemetry.IntegrationTests.Tls;
using Telemetry.TestKit;

namespace Telemetry.IntegrationTests.Delivery;

/// <summary>
/// The built agent is stopped with SIGTERM while its collector cannot take the last lines: down (connection
/// refused), refusing (UNAVAILABLE with a 60 s RetryInfo: the agent is in a long retry wait) or silent (accepts
/// the connection and never answers: an attempt is in flight). It must exit 0 within
/// <c>collector.shutdown_timeout</c> (3 s by default) plus the host's teardown, checkpoint only what the
/// collector acknowledged, and after a restart against a working collector every line is stored, each
/// accepted by the collector exactly once (the acknowledged lines are not sent again, the others are).
/// </summary>
public sealed class AgentStopTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    /// <summary>SIGTERM to exit: 3 s of shutdown_timeout, the checkpoint write and the host's teardown, with
    /// room for a loaded test machine. Before the fix the agent took the host's 30 s.</summary>
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(8);

    public enum Outage
    {
        Down,
        Refusing,
        Silent,
    }

    [Theory]
    [InlineData(Outage.Down)]
    [InlineData(Outage.Refusing)]
    [InlineData(Outage.Silent)]
    public async Task Agent_stops_promptly_when_the_collector_cannot_take_the_last_lines_and_a_restart_delivers_every_line_once(Outage outage)
    {
        await using var collector = await TlsCollectorFixture.StartAsync();
        using var silent = new SilentListener();
        using var dir = new TempDirectory("agent-stop");
        var log = dir.Combine("access.log");
        var working = collector.AgentConfig();
        // Long retry waits: a stop that waited for them would take far longer than the bound.
        working["initial_backoff"] = "00:00:05";
        working["max_backoff"] = "00:00:30";
        working["timeout"] = "00:00:20";

        // 1. 100 lines stored and acknowledged; a normal stop.
        var config = await AgentProcess.WriteConfigAsync(dir, working, log);
        AgentPipelineFixture.Append(log, 0, 100);
        await using (var agent = AgentProcess.Start(config))
        {
            await agent.WaitUntilAsync(async () => (await AgentProcess.StoredRidsAsync(collector)).Count >= 100, Wait, "the first 100 lines were not stored");
            await StopWithinBoundAsync(agent);
        }

        // 2. 50 more lines the collector does not take; SIGTERM while the agent waits for it.
        var outageConfig = new Dictionary<string, string?>(working);
        if (outage == Outage.Down)
        {
            outageConfig["endpoint"] = $"https://127.0.0.1:{FreePort.Get()}";
        }
        else if (outage == Outage.Silent)
        {
            outageConfig["endpoint"] = $"https://127.0.0.1:{silent.Port}";
        }
        else
        {
            collector.Pipeline.AnswerNext(ExportResult.Unavailable("storage is down (test)", TimeSpan.FromSeconds(60)));
        }

        config = await AgentProcess.WriteConfigAsync(dir, outageConfig, log);
        AgentPipelineFixture.Append(log, 100, 50);
        await using (var agent = AgentProcess.Start(config))
        {
            switch (outage)
            {
                case Outage.Down:
                    await agent.WaitUntilAsync(() => Task.FromResult(agent.Output.Contains("Collector not reachable", StringComparison.Ordinal)), Wait, "the agent never found the collector down");
                    break;
                case Outage.Refusing:
                    await agent.WaitUntilAsync(() => Task.FromResult(collector.Pipeline.Calls.Any(c => c.Scripted)), Wait, "the collector never refused the batch");
                    break;
                case Outage.Silent:
                    await agent.WaitUntilAsync(() => Task.FromResult(silent.Accepted > 0), Wait, "the agent never connected to the silent collector");
                    break;
            }

            await Task.Delay(500);
            agent.AssertRunning();
            await StopWithinBoundAsync(agent);
        }

        Assert.Equal(100, collector.Pipeline.StoredLogRecords);

        // 3. Restart against the working collector: the 50 lines are sent again, the first 100 are not.
        config = await AgentProcess.WriteConfigAsync(dir, working, log);
        await using (var agent = AgentProcess.Start(config))
        {
            await agent.WaitUntilAsync(async () => (await AgentProcess.StoredRidsAsync(collector)).Count >= 150, Wait, "the last 50 lines were not stored after the restart");
            await Task.Delay(1500);
            await StopWithinBoundAsync(agent);
        }

        var stored = (await AgentProcess.StoredRidsAsync(collector)).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 150).Select(i => (long)i).ToList(), stored);
        Assert.Equal(150, collector.Pipeline.StoredLogRecords);
    }

    private static async Task StopWithinBoundAsync(AgentProcess agent)
    {
        var started = Stopwatch.GetTimestamp();
        await agent.StopAsync();
        var took = Stopwatch.GetElapsedTime(started);
        Assert.True(took < StopBound, $"the agent took {took.TotalSeconds:F1} s to stop after SIGTERM (bound {StopBound.TotalSeconds} s):\n{agent.Output}");
    }

    /// <summary>A TCP listener that accepts connections and never says a word (no TLS handshake, no HTTP/2).</summary>
    private sealed class SilentListener : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _accepted = [];
        private readonly CancellationTokenSource _stop = new();
        private int _count;

        public SilentListener()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Accepted => Volatile.Read(ref _count);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_accepted)
            {
                foreach (var socket in _accepted)
                {
                    socket.Dispose();
                }
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    lock (_accepted)
                    {
                        _accepted.Add(socket);
                    }

                    Interlocked.Increment(ref _count);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
