using System.Globalization;
using System.Text.Json;

namespace Telemetry.Benchmarks.Writing;

/// <summary>
/// influxd's own write counters (<c>/debug/vars</c>, <c>httpd</c>): write requests, points written, bytes and the
/// time spent in writes. The difference over a run gives the shape of the writes InfluxDB received, whoever sent
/// them (the collector runs as its own process, so its writes cannot be observed from the benchmark's side).
/// </summary>
internal readonly record struct InfluxWriteCounters(long Requests, long Points, long Bytes, long DurationNs)
{
    public static async Task<InfluxWriteCounters> ReadAsync(Uri influx)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await using var body = await http.GetStreamAsync(new Uri(influx, "/debug/vars")).ConfigureAwait(false);
        using var doc = await JsonDocument.ParseAsync(body).ConfigureAwait(false);
        foreach (var entry in doc.RootElement.EnumerateObject())
        {
            if (entry.Value.ValueKind == JsonValueKind.Object
                && entry.Value.TryGetProperty("name", out var name) && name.GetString() == "httpd"
                && entry.Value.TryGetProperty("values", out var values))
            {
                long L(string key) => values.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;
                return new InfluxWriteCounters(L("writeReq"), L("pointsWrittenOK"), L("writeReqBytes"), L("writeReqDurationNs"));
            }
        }

        throw new InvalidOperationException("influxd's /debug/vars has no httpd statistics");
    }

    public static InfluxWriteCounters operator -(InfluxWriteCounters after, InfluxWriteCounters before) =>
        new(after.Requests - before.Requests, after.Points - before.Points, after.Bytes - before.Bytes, after.DurationNs - before.DurationNs);

    /// <summary>Requests, points and bytes per request, time per request and requests in flight on average over <paramref name="elapsed"/>.</summary>
    public string Describe(TimeSpan elapsed) => Requests == 0
        ? "no write requests"
        : string.Create(CultureInfo.InvariantCulture,
            $"{Requests} write requests, {Points / (double)Requests:F0} points and {Bytes / (double)Requests / 1024:F0} KiB of line protocol each, {DurationNs / 1e6 / Requests:F0} ms each, {DurationNs / 1e9 / elapsed.TotalSeconds:F2} in flight on average");
}
