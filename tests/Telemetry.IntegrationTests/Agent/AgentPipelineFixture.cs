using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Telemetry.Collector;
using Telemetry.TestKit;
using Telemetry.TestKit.InfluxDb;

namespace Telemetry.IntegrationTests.Agent;

/// <summary>
/// The whole path for end-to-end tests: a real influxd, the real collector in-process
/// (<see cref="CollectorApp.Build"/>), and the built <c>telemetry-agent</c> as a child process tailing
/// files the test writes in nginx combined format, each line with a unique request id (<c>?rid=N</c>),
/// read back from InfluxDB's <c>query</c> field.
/// </summary>
internal sealed class AgentPipelineFixture : IAsyncDisposable
{
    private readonly StringBuilder _agentOutput = new();
    private WebApplication? _collector;
    private Process? _agent;

    private AgentPipelineFixture(TempDirectory dir, InfluxDbServer influx, string database)
    {
        Dir = dir;
        Influx = influx;
        Database = database;
        GrpcPort = FreePort.Get();
        HttpPort = FreePort.Get();
        while (HttpPort == GrpcPort)
        {
            HttpPort = FreePort.Get();
        }

        Directory.CreateDirectory(LogDir);
    }

    public TempDirectory Dir { get; }

    public InfluxDbServer Influx { get; }

    public string Database { get; }

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public string LogDir => Dir.Combine("logs");

    public string AccessLog => Path.Combine(LogDir, "access.log");

    public string AgentOutput
    {
        get
        {
            lock (_agentOutput)
            {
                return _agentOutput.ToString();
            }
        }
    }

    public static async Task<AgentPipelineFixture> StartAsync(string glob = "access.log", int maxLineBytes = 65536, int maxBatchBytes = 1024 * 1024)
    {
        var dir = new TempDirectory("agent-e2e");
        var influx = await InfluxDbServer.StartNewAsync();
        var database = await influx.CreateUniqueDatabaseAsync("agent");
        var fixture = new AgentPipelineFixture(dir, influx, database);
        await fixture.StartCollectorAsync();
        await File.WriteAllTextAsync(dir.Combine("agent.yaml"), $"""
            state_dir: "{dir.Combine("state")}"
            collector:
              endpoint: "http://127.0.0.1:{fixture.GrpcPort}"
              insecure: true
              gzip: true
              initial_backoff: 00:00:00.1
              max_backoff: 00:00:01
            sources:
              - name: nginx
                format: nginx
                paths: ["{Path.Combine(fixture.LogDir, glob)}"]
                start_at: beginning
            batch:
              max_records: 500
              max_bytes: {maxBatchBytes}
              max_delay: 00:00:00.1
              max_in_flight: 2
            max_line_bytes: {maxLineBytes}
            poll_interval: 00:00:00.1
            checkpoint_interval: 00:00:00.2
            rotate_wait: 00:00:01
            request_metrics:
              enabled: false
            host_metrics:
              enabled: false
            """);
        return fixture;
    }

    public async Task StartCollectorAsync()
    {
        var path = Dir.Combine("collector.yaml");
        await File.WriteAllTextAsync(path, $"""
            receiver:
              grpc_endpoint: "127.0.0.1:{GrpcPort}"
              http_endpoint: "127.0.0.1:{HttpPort}"
              max_request_bytes: 67108864
              max_decompressed_bytes: 134217728
            self_metrics:
              enabled: false
            influxdb:
              url: "{Influx.Url}"
              database: {Database}
            """);
        _collector = CollectorApp.Build(["--config", path]);
        await _collector.StartAsync();
    }

    public async Task StopCollectorAsync()
    {
        if (_collector is not null)
        {
            await _collector.StopAsync();
            await _collector.DisposeAsync();
            _collector = null;
        }
    }

    /// <summary>The agent binary built next to the tests (the apphost, else the dll through dotnet).</summary>
    public static ProcessStartInfo AgentStartInfo(params string[] args)
    {
        var baseDir = AppContext.BaseDirectory;
        var apphost = Path.Combine(baseDir, OperatingSystem.IsWindows() ? "telemetry-agent.exe" : "telemetry-agent");
        var explicitBinary = Environment.GetEnvironmentVariable("TELEMETRY_AGENT_BINARY");
        ProcessStartInfo info;
        if (!string.IsNullOrEmpty(explicitBinary))
        {
            info = new ProcessStartInfo(explicitBinary);
        }
        else if (File.Exists(apphost))
        {
            info = new ProcessStartInfo(apphost);
        }
        else
        {
            var dll = Path.Combine(baseDir, "telemetry-agent.dll");
            Assert.True(File.Exists(dll), $"the agent was not built next to the tests ({dll})");
            info = new ProcessStartInfo("dotnet");
            info.ArgumentList.Add(dll);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        return info;
    }

    public void StartAgent()
    {
        Assert.Null(_agent);
        var process = new Process { StartInfo = AgentStartInfo("run", "--config", Dir.Combine("agent.yaml")) };
        process.OutputDataReceived += (_, e) => Capture(e.Data);
        process.ErrorDataReceived += (_, e) => Capture(e.Data);
        Assert.True(process.Start());
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _agent = process;
    }

    /// <summary>How many times the agent has logged <paramref name="text"/> so far.</summary>
    public int AgentLogCount(string text)
    {
        var output = AgentOutput;
        var count = 0;
        for (var at = output.IndexOf(text, StringComparison.Ordinal); at >= 0; at = output.IndexOf(text, at + text.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Waits until the agent has logged any of <paramref name="texts"/> at least <paramref name="occurrences"/>
    /// times in all (the machine may be loaded: a JIT-compiled agent can take seconds to start).</summary>
    public async Task WaitForAgentLogAsync(int occurrences, params string[] texts)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (texts.Sum(AgentLogCount) < occurrences)
        {
            AssertAgentRunning();
            Assert.True(DateTime.UtcNow < deadline, $"the agent did not log [{string.Join(" | ", texts)}] {occurrences} times within 90 s:\n{Tail(AgentOutput)}");
            await Task.Delay(50);
        }
    }

    /// <summary>What the agent logs when it opens <paramref name="path"/> as a file it had not read before.</summary>
    public static string TailingLog(string path) => $"Tailing {path} (";

    /// <summary>Starts the agent on an (empty) access.log and waits until it reads it, as when the agent runs
    /// as a service before the web server's logs rotate: lines written later are all its responsibility.</summary>
    public async Task StartAgentTailingAsync()
    {
        if (!File.Exists(AccessLog))
        {
            await File.WriteAllTextAsync(AccessLog, "");
        }

        var before = AgentLogCount(TailingLog(AccessLog)) + AgentLogCount($"Resuming {AccessLog} ");
        StartAgent();
        await WaitForAgentLogAsync(before + 1, TailingLog(AccessLog), $"Resuming {AccessLog} ");
    }

    /// <summary>kill -9: no shutdown, no last checkpoint.</summary>
    public async Task KillAgentAsync()
    {
        if (_agent is { } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
            _agent = null;
        }
    }

    /// <summary>A clean stop (SIGTERM): the agent flushes and writes its checkpoints.</summary>
    public async Task StopAgentAsync()
    {
        if (_agent is { } process)
        {
            if (!process.HasExited)
            {
                using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
                await kill!.WaitForExitAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await process.WaitForExitAsync(timeout.Token);
            }

            process.Dispose();
            _agent = null;
        }
    }

    public void AssertAgentRunning() => Assert.True(_agent is { HasExited: false }, "agent exited:\n" + AgentOutput);

    /// <summary>One nginx combined line per rid, timestamped now (so many share a second).</summary>
    public static string Line(long rid, int padding = 0)
    {
        var now = DateTimeOffset.UtcNow;
        var pad = padding > 0 ? "&pad=" + new string('x', padding) : "";
        return string.Create(CultureInfo.InvariantCulture, $"127.0.0.1 - - [{now:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /p?rid={rid}{pad} HTTP/1.1\" 200 {rid % 5000} \"-\" \"e2e/1.0\"\n");
    }

    public static void Append(string path, long fromRid, int count, int padding = 0)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(Line(fromRid + i, padding));
        }

        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        stream.Write(bytes);
    }

    /// <summary>Every rid InfluxDB holds, one entry per point (a duplicate point shows as a repeated rid).</summary>
    public async Task<List<long>> StoredRidsAsync()
    {
        var series = await Influx.QueryAsync(Database, "SELECT \"query\" FROM \"http_requests\"");
        var rids = new List<long>();
        foreach (var s in series)
        {
            foreach (var row in s.Rows())
            {
                var query = row["query"].GetString() ?? "";
                if (query.StartsWith("rid=", StringComparison.Ordinal))
                {
                    var digits = query.AsSpan(4);
                    var end = digits.IndexOf('&');
                    rids.Add(long.Parse(end < 0 ? digits : digits[..end], CultureInfo.InvariantCulture));
                }
            }
        }

        return rids;
    }

    /// <summary>Waits until InfluxDB holds <paramref name="expected"/> points, then checks each rid is there exactly once.</summary>
    public async Task AssertExactlyOnceAsync(long from, long count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        List<long> rids;
        while (true)
        {
            rids = await StoredRidsAsync();
            if (rids.Count >= count || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(250);
        }

        // A little longer, so late duplicates would show.
        await Task.Delay(1000);
        rids = await StoredRidsAsync();
        var duplicates = rids.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key).Take(10).ToList();
        var expected = Enumerable.Range(0, (int)count).Select(i => from + i).ToHashSet();
        var missing = expected.Except(rids).Take(10).ToList();
        var unexpected = rids.Where(r => !expected.Contains(r)).Take(10).ToList();
        Assert.True(duplicates.Count == 0 && missing.Count == 0 && unexpected.Count == 0,
            $"stored {rids.Count} points for {count} lines; missing [{string.Join(",", missing)}] duplicated [{string.Join(",", duplicates)}] unexpected [{string.Join(",", unexpected)}]\nagent output:\n{Tail(AgentOutput)}");
        Assert.Equal(count, rids.Count);
    }

    private static string Tail(string text) => text.Length > 4000 ? text[^4000..] : text;

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_agentOutput)
        {
            _agentOutput.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAgentAsync();
        await StopCollectorAsync();
        await Influx.DisposeAsync();
        Dir.Dispose();
    }
}
