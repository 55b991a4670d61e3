using System.Net.Http;
using System.Text.Json;

namespace Telemetry.LocalRun;

/// <summary>
/// The InfluxDB 1.x figures (<c>/debug/vars</c>, the same as <c>SHOW STATS</c>) that tell why it falls behind:
/// writes that timed out or failed, how much time went to queries and to continuous queries, cache snapshots
/// and compactions. Counters since influxd started; the watcher prints their change per minute.
/// </summary>
internal sealed record InfluxServerStats(
    long WriteRequests,
    long WriteTimeouts,
    long PointsWrittenFailed,
    long ServerErrors,
    long Queries,
    double QuerySeconds,
    long ContinuousQueriesOk,
    long ContinuousQueriesFailed,
    long CacheSnapshots,
    double CacheSnapshotSeconds,
    long Compactions,
    double CompactionSeconds,
    long CacheBytes)
{
    public static async Task<InfluxServerStats?> ReadAsync(HttpClient http, Uri influx, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(influx, "/debug/vars"), ct).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            using var doc = await JsonDocument.ParseAsync(body, cancellationToken: ct).ConfigureAwait(false);
            return From(doc.RootElement);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    private static InfluxServerStats From(JsonElement root)
    {
        long writeReq = 0, writeTimeout = 0, failed = 0, serverError = 0, queries = 0, cqOk = 0, cqFail = 0, snapshots = 0, compactions = 0, cache = 0;
        double queryNs = 0, snapshotNs = 0, compactionNs = 0;
        foreach (var entry in root.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Object || !entry.Value.TryGetProperty("name", out var name)
                || !entry.Value.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            long L(string key) => values.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;
            switch (name.GetString())
            {
                case "write":
                    writeReq += L("req");
                    writeTimeout += L("writeTimeout");
                    break;
                case "httpd":
                    failed += L("pointsWrittenFail");
                    serverError += L("serverError");
                    break;
                case "queryExecutor":
                    queries += L("queriesExecuted");
                    queryNs += L("queryDurationNs");
                    break;
                case "cq":
                    cqOk += L("queryOk");
                    cqFail += L("queryFail");
                    break;
                case "tsm1_engine":
                    snapshots += L("cacheCompactions");
                    snapshotNs += L("cacheCompactionDuration");
                    foreach (var level in new[] { "tsmLevel1Compactions", "tsmLevel2Compactions", "tsmLevel3Compactions", "tsmOptimizeCompactions", "tsmFullCompactions" })
                    {
                        compactions += L(level);
                        compactionNs += L(level + "Duration");
                    }

                    break;
                case "tsm1_cache":
                    cache += L("memBytes");
                    break;
            }
        }

        return new InfluxServerStats(writeReq, writeTimeout, failed, serverError, queries, queryNs / 1e9, cqOk, cqFail, snapshots, snapshotNs / 1e9, compactions, compactionNs / 1e9, cache);
    }
}
