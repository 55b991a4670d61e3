using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Telemetry.TestKit;
using Telemetry.TestKit.InfluxDb;

namespace Telemetry.Collector.Tests.Writing;

/// <summary>
/// The whole collector (receivers, mapping, enrichment, write queue) in front of a real private influxd:
/// OTLP/HTTP JSON in, <c>http_requests</c> points out, and the answers the agent acts on when InfluxDB
/// refuses a point or is down.
/// </summary>
public sealed class CollectorToInfluxDbTests : IAsyncLifetime
{
    private InfluxDbServer _influx = null!;
    private TempDirectory _dir = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private string _db = null!;

    public async Task InitializeAsync()
    {
        _influx = await InfluxDbServer.StartNewAsync();
        _db = await _influx.CreateUniqueDatabaseAsync("e2e");
        _dir = new TempDirectory("collector-e2e");
        var grpc = FreePort.Get();
        var http = FreePort.Get();
        var yaml = $"""
            receiver:
              grpc_endpoint: "127.0.0.1:{grpc}"
              http_endpoint: "127.0.0.1:{http}"
            self_metrics:
              enabled: false
            influxdb:
              url: "{_influx.Url}"
              database: "{_db}"
              flush_interval: "00:00:00.050"
              max_retries: 1
              retry_initial_backoff: "00:00:00.050"
              retry_max_backoff: "00:00:00.200"
            """;
        var path = _dir.Combine("collector.yaml");
        await File.WriteAllTextAsync(path, yaml);
        _app = CollectorApp.Build(["--config", path]);
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}/") };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _influx.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Access_log_records_sent_over_otlp_http_are_stored_as_http_requests_points()
    {
        using var response = await PostLogsAsync(
            Record(1_700_000_000_000_000_001, "GET", 200, "/users/1", extra: ("x.size", "intValue", "\"5\"")),
            Record(1_700_000_000_000_000_002, "POST", 503, "/login, \"quoted\" \\ path", extra: ("x.size", "intValue", "\"6\"")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("rejected", body, StringComparison.Ordinal);
        var rows = (await _influx.QueryAsync(_db, "SELECT path, status_code FROM http_requests GROUP BY method, status", "ns"))
            .SelectMany(s => s.Rows().Select(r => (s.Tags["method"], s.Tags["status"], r["path"].GetString(), r["status_code"].GetInt64())))
            .OrderBy(r => r.Item1, StringComparer.Ordinal).ToArray();
        Assert.Equal([("GET", "200", "/users/1", 200L), ("POST", "503", "/login, \"quoted\" \\ path", 503L)], rows);
    }

    [Fact]
    public async Task A_record_whose_attribute_changes_type_is_reported_as_partial_success_and_the_rest_stored()
    {
        using var first = await PostLogsAsync(Record(1_700_000_000_000_000_001, "GET", 200, "/a", extra: ("x.size", "intValue", "\"5\"")));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var response = await PostLogsAsync(
            Record(1_700_000_000_000_000_002, "GET", 200, "/b", extra: ("x.size", "intValue", "\"6\"")),
            Record(1_700_000_000_000_000_003, "GET", 200, "/c", extra: ("x.size", "stringValue", "\"six\"")),
            Record(1_700_000_000_000_000_004, "GET", 200, "/d", extra: ("x.size", "intValue", "\"7\"")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("rejectedLogRecords", body, StringComparison.Ordinal);
        Assert.Contains("field type conflict", body, StringComparison.Ordinal);
        Assert.Equal(3, await _influx.CountRowsAsync(_db, "http_requests"));
    }

    [Fact]
    public async Task InfluxDB_down_answers_503_with_retry_after_and_a_resend_after_restart_is_stored_once()
    {
        await _influx.StopAsync();
        var record = Record(1_700_000_000_000_000_009, "GET", 200, "/retry");

        using (var down = await PostLogsAsync(record))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.NotNull(down.Headers.RetryAfter);
        }

        await _influx.StartAsync();
        using (var again = await PostLogsAsync(record))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        using (var duplicate = await PostLogsAsync(record))
        {
            Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
        }

        Assert.Equal(1, await _influx.CountRowsAsync(_db, "http_requests"));
    }

    private async Task<HttpResponseMessage> PostLogsAsync(params string[] records)
    {
        var json = "{\"resourceLogs\":[{\"resource\":{\"attributes\":["
            + "{\"key\":\"host.name\",\"value\":{\"stringValue\":\"web-01\"}},"
            + "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"nginx\"}}]},"
            + "\"scopeLogs\":[{\"logRecords\":[" + string.Join(",", records) + "]}]}]}";
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await _client.PostAsync(new Uri("v1/logs", UriKind.Relative), content);
    }

    private static string Record(long time, string method, int status, string path, (string Key, string Type, string Json)? extra = null)
    {
        var escapedPath = path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        var more = extra is { } e ? ",{\"key\":\"" + e.Key + "\",\"value\":{\"" + e.Type + "\":" + e.Json + "}}" : string.Empty;
        return "{\"timeUnixNano\":\"" + time + "\",\"attributes\":["
            + "{\"key\":\"http.request.method\",\"value\":{\"stringValue\":\"" + method + "\"}},"
            + "{\"key\":\"http.response.status_code\",\"value\":{\"intValue\":\"" + status + "\"}},"
            + "{\"key\":\"url.path\",\"value\":{\"stringValue\":\"" + escapedPath + "\"}}" + more + "]}";
    }
}
