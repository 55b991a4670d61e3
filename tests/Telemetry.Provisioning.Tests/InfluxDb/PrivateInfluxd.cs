using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Telemetry.TestKit;

namespace Telemetry.Provisioning.Tests.InfluxDb;

/// <summary>
/// A private influxd 1.x on free loopback ports in a temp dir, with continuous queries checked every
/// second. Fails (does not skip) when influxd is missing. (TestKit's InfluxDbServer turns continuous queries off, so
/// the provisioning tests keep this one.)
/// </summary>
public sealed class PrivateInfluxd : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _dir;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private PrivateInfluxd(Process process, TempDirectory dir, Uri url)
    {
        _process = process;
        _dir = dir;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<PrivateInfluxd> StartAsync()
    {
        const string binary = "/usr/bin/influxd";
        Assert.True(File.Exists(binary), $"{binary} is missing: apt-get install influxdb (scripts/install-deps.sh)");
        var dir = new TempDirectory("provisioning-influxd");
        var port = FreePort.Get();
        var bind = FreePort.Get();
        var config = $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{bind}"
            [meta]
              dir = "{dir.Combine("meta")}"
            [data]
              dir = "{dir.Combine("data")}"
              wal-dir = "{dir.Combine("wal")}"
              query-log-enabled = false
            [http]
              bind-address = "127.0.0.1:{port}"
              log-enabled = false
            [continuous_queries]
              run-interval = "1s"
              log-enabled = false
            [monitor]
              store-enabled = false
            """;
        await File.WriteAllTextAsync(dir.Combine("influxdb.conf"), config);
        var process = Process.Start(new ProcessStartInfo(binary, ["-config", dir.Combine("influxdb.conf")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("influxd did not start");
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new PrivateInfluxd(process, dir, new Uri($"http://127.0.0.1:{port}"));
        for (var i = 0; i < 200; i++)
        {
            Assert.False(process.HasExited, $"influxd exited with {(process.HasExited ? process.ExitCode : 0)}");
            try
            {
                using var ping = await server._http.GetAsync(new Uri(server.Url, "/ping"));
                if ((int)ping.StatusCode == 204)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50);
        }

        await server.DisposeAsync();
        throw new TimeoutException("influxd did not answer /ping within 10 s");
    }

    /// <summary>Runs one InfluxQL statement; returns the first result (throws on an error in it).</summary>
    public async Task<JsonElement> QueryAsync(string statement, string? database = null)
    {
        var form = new Dictionary<string, string> { ["q"] = statement, ["epoch"] = "ns" };
        if (database is not null)
        {
            form["db"] = database;
        }

        using var content = new FormUrlEncodedContent(form);
        using var response = await _http.PostAsync(new Uri(Url, "/query"), content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{statement}: HTTP {(int)response.StatusCode} {body}");
        var result = JsonDocument.Parse(body).RootElement.GetProperty("results")[0].Clone();
        if (result.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"{statement}: {error.GetString()}");
        }

        return result;
    }

    public async Task WriteAsync(string database, string lineProtocol, string? retentionPolicy = null)
    {
        var uri = new Uri(Url, $"/write?db={database}{(retentionPolicy is null ? "" : "&rp=" + retentionPolicy)}");
        using var content = new StringContent(lineProtocol);
        using var response = await _http.PostAsync(uri, content);
        Assert.True((int)response.StatusCode == 204, $"write: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Rows of a query as (tags, columns -> values).</summary>
    public async Task<List<(Dictionary<string, string> Tags, Dictionary<string, JsonElement> Values)>> RowsAsync(string statement, string database)
    {
        var result = await QueryAsync(statement, database);
        var rows = new List<(Dictionary<string, string>, Dictionary<string, JsonElement>)>();
        if (!result.TryGetProperty("series", out var series))
        {
            return rows;
        }

        foreach (var s in series.EnumerateArray())
        {
            var tags = s.TryGetProperty("tags", out var t)
                ? t.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty)
                : [];
            var columns = s.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToList();
            foreach (var values in s.GetProperty("values").EnumerateArray())
            {
                var row = new Dictionary<string, JsonElement>();
                var i = 0;
                foreach (var v in values.EnumerateArray())
                {
                    row[columns[i++]] = v.Clone();
                }

                rows.Add((tags, row));
            }
        }

        return rows;
    }

    public static string Ns(DateTimeOffset time) =>
        ((time.ToUnixTimeMilliseconds() * 1_000_000L) + ((time.Ticks % TimeSpan.TicksPerMillisecond) * 100)).ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _dir.Dispose();
    }
}
