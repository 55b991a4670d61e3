using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Telemetry.TestKit.InfluxDb;

/// <summary>
/// A private InfluxDB 1.x (<c>/usr/bin/influxd</c>) on loopback with its own temp data, meta and WAL
/// directories. Missing binary is a test failure, never a skip. <see cref="StopAsync"/> and
/// <see cref="StartAsync"/> restart it on the same ports and data, for fault tests.
/// </summary>
public sealed class InfluxDbServer : IAsyncDisposable
{
    public const string DefaultBinary = "/usr/bin/influxd";

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly TempDirectory _directory;
    private readonly string _binary;
    private readonly string _configPath;
    private readonly HttpClient _http;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private InfluxDbServer(string binary, TempDirectory directory, int httpPort, int rpcPort)
    {
        _binary = binary;
        _directory = directory;
        HttpPort = httpPort;
        RpcPort = rpcPort;
        Url = new Uri($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}/");
        _configPath = directory.Combine("influxdb.conf");
        File.WriteAllText(_configPath, RenderConfig(directory.Path, httpPort, rpcPort));
        _http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Base address of the HTTP API, <c>http://127.0.0.1:port/</c>.</summary>
    public Uri Url { get; }

    public int HttpPort { get; }

    public int RpcPort { get; }

    /// <summary>The data directory root (data, meta, wal below it).</summary>
    public string DataRoot => _directory.Path;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The running influxd's process id (e.g. to pin it to CPUs with <c>taskset</c>).</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>CPU time influxd has used so far (user + system), e.g. to tell its share of a benchmark's work.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            var process = _process;
            if (process is null)
            {
                return TimeSpan.Zero;
            }

            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    /// <summary>Starts a new server on free loopback ports and waits until <c>/ping</c> answers.</summary>
    public static async Task<InfluxDbServer> StartNewAsync(string binary = DefaultBinary, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"InfluxDB server binary '{binary}' is missing: install the Debian package 'influxdb' (apt-get install influxdb). Tests that need InfluxDB fail rather than skip.");
        }

        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            // A free port can be taken by someone else between probing and binding: retry with new ports.
            var directory = new TempDirectory("influxd");
            var server = new InfluxDbServer(binary, directory, FreePort.Get(), FreePort.Get());
            try
            {
                await server.StartAsync(cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (InvalidOperationException e) when (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                last = e;
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        throw new InvalidOperationException("Could not start influxd on a free port after 3 attempts.", last);
    }

    /// <summary>(Re)starts influxd with the same config, ports and data, and waits for <c>/ping</c>.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            return;
        }

        lock (_output)
        {
            _output.Clear();
        }

        var info = new ProcessStartInfo(_binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("-config");
        info.ArgumentList.Add(_configPath);
        info.Environment["INFLUXDB_REPORTING_DISABLED"] = "true";

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start '{_binary}'.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartupTimeout);
        while (true)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                throw new InvalidOperationException(
                    $"influxd exited with code {process.ExitCode} during startup on port {HttpPort}: {RecentOutput()}");
            }

            if (await PingAsync(timeout.Token).ConfigureAwait(false))
            {
                return;
            }

            try
            {
                await Task.Delay(100, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await KillAsync().ConfigureAwait(false);
                throw new TimeoutException(
                    $"influxd did not answer /ping on port {HttpPort} within {StartupTimeout.TotalSeconds} s: {RecentOutput()}");
            }
        }
    }

    /// <summary>Stops influxd (SIGTERM, then SIGKILL after 15 s). Data stays for <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            {
                await SignalTerminateAsync(process.Id).ConfigureAwait(false);
            }
            else
            {
                process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await KillAsync().ConfigureAwait(false);
            }
        }

        process.Dispose();
        _process = null;
    }

    /// <summary>Answers true when <c>/ping</c> returns 204.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri("ping", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.NoContent;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public async Task CreateDatabaseAsync(string database, CancellationToken cancellationToken = default)
    {
        var result = await PostQueryAsync(null, $"CREATE DATABASE \"{EscapeIdentifier(database)}\"", cancellationToken).ConfigureAwait(false);
        ThrowOnStatementError(result);
    }

    /// <summary>Creates a database with a fresh unique name and returns the name.</summary>
    public async Task<string> CreateUniqueDatabaseAsync(string prefix = "test", CancellationToken cancellationToken = default)
    {
        var name = prefix + "_" + Guid.NewGuid().ToString("N")[..12];
        await CreateDatabaseAsync(name, cancellationToken).ConfigureAwait(false);
        return name;
    }

    /// <summary>Runs an InfluxQL query (timestamps as RFC 3339 with ns unless <paramref name="epoch"/> is given, e.g. "ns")
    /// and returns every series of every statement. A statement error throws.</summary>
    public async Task<IReadOnlyList<InfluxSeries>> QueryAsync(string database, string influxql, string? epoch = null, CancellationToken cancellationToken = default)
    {
        using var document = await PostQueryAsync(database, influxql, cancellationToken, epoch).ConfigureAwait(false);
        ThrowOnStatementError(document);
        var series = new List<InfluxSeries>();
        foreach (var statement in document.RootElement.GetProperty("results").EnumerateArray())
        {
            if (!statement.TryGetProperty("series", out var list))
            {
                continue;
            }

            foreach (var s in list.EnumerateArray())
            {
                series.Add(InfluxSeries.Parse(s));
            }
        }

        return series;
    }

    /// <summary>Counts the points of <paramref name="measurement"/> (rows of <c>SELECT *</c>).</summary>
    public async Task<int> CountRowsAsync(string database, string measurement, CancellationToken cancellationToken = default)
    {
        var series = await QueryAsync(database, $"SELECT * FROM \"{EscapeIdentifier(measurement)}\"", "ns", cancellationToken).ConfigureAwait(false);
        var count = 0;
        foreach (var s in series)
        {
            count += s.Values.Count;
        }

        return count;
    }

    /// <summary>Posts line protocol to <c>/write?db=...&amp;precision=ns</c> and returns the status and error text.</summary>
    public async Task<InfluxWriteResponse> WriteLineProtocolAsync(string database, ReadOnlyMemory<byte> lines, CancellationToken cancellationToken = default)
    {
        using var content = new ReadOnlyMemoryContent(lines);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        var uri = new Uri($"write?db={Uri.EscapeDataString(database)}&precision=ns", UriKind.Relative);
        using var response = await _http.PostAsync(uri, content, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return new InfluxWriteResponse(response.StatusCode, body);
    }

    public Task<InfluxWriteResponse> WriteLineProtocolAsync(string database, string lines, CancellationToken cancellationToken = default) =>
        WriteLineProtocolAsync(database, Encoding.UTF8.GetBytes(lines), cancellationToken);

    /// <summary>The last lines influxd printed (for failure messages).</summary>
    public string RecentOutput()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _http.Dispose();
        _directory.Dispose();
    }

    public static string EscapeIdentifier(string name) => name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private async Task<JsonDocument> PostQueryAsync(string? database, string influxql, CancellationToken cancellationToken, string? epoch = null)
    {
        var form = new List<KeyValuePair<string, string>> { new("q", influxql) };
        if (database is not null)
        {
            form.Add(new("db", database));
        }

        if (epoch is not null)
        {
            form.Add(new("epoch", epoch));
        }

        using var content = new FormUrlEncodedContent(form);
        using var response = await _http.PostAsync(new Uri("query", UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"InfluxQL '{influxql}' failed with {(int)response.StatusCode}: {body}");
        }

        return JsonDocument.Parse(body);
    }

    private static void ThrowOnStatementError(JsonDocument document)
    {
        if (document.RootElement.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException("InfluxQL error: " + error.GetString());
        }

        foreach (var statement in document.RootElement.GetProperty("results").EnumerateArray())
        {
            if (statement.TryGetProperty("error", out var e))
            {
                throw new InvalidOperationException("InfluxQL statement error: " + e.GetString());
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length > 16_384)
            {
                _output.Remove(0, _output.Length - 8_192);
            }

            _output.AppendLine(line);
        }
    }

    private async Task KillAsync()
    {
        var process = _process;
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static string RenderConfig(string root, int httpPort, int rpcPort)
    {
        var p = httpPort.ToString(CultureInfo.InvariantCulture);
        var r = rpcPort.ToString(CultureInfo.InvariantCulture);
        return $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{r}"

            [meta]
              dir = "{Path.Combine(root, "meta")}"
              logging-enabled = false

            [data]
              dir = "{Path.Combine(root, "data")}"
              wal-dir = "{Path.Combine(root, "wal")}"
              wal-fsync-delay = "0s"
              query-log-enabled = false
              trace-logging-enabled = false

            [monitor]
              store-enabled = false

            [http]
              enabled = true
              bind-address = "127.0.0.1:{p}"
              auth-enabled = false
              log-enabled = false
              suppress-write-log = true
              pprof-enabled = false

            [logging]
              level = "warn"
              suppress-logo = true

            [continuous_queries]
              enabled = false

            [subscriber]
              enabled = false

            [retention]
              enabled = false

            [shard-precreation]
              enabled = false
            """;
    }

    private static async Task SignalTerminateAsync(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("/bin/kill") { ArgumentList = { "-TERM", pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false });
        if (kill is not null)
        {
            await kill.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}

/// <summary>Status and body of a <c>/write</c>.</summary>
public sealed record InfluxWriteResponse(HttpStatusCode Status, string Body);
