using System.Net.Http;
using System.Text.Json;

namespace Telemetry.LocalRun;

/// <summary>The InfluxQL questions the watcher asks: counts of points, optionally grouped by one tag, and raw queries.</summary>
internal sealed class InfluxQueries(HttpClient http, Uri influx, string database)
{
    /// <summary>count("status_code") of http_requests matching <paramref name="where"/> (all when null), per value of a tag.</summary>
    public async Task<Dictionary<string, long>> CountByAsync(string? where, string? groupBy, CancellationToken ct)
    {
        var q = "SELECT count(\"status_code\") FROM \"http_requests\"" + (where is null ? "" : " WHERE " + where)
            + (groupBy is null ? "" : $" GROUP BY \"{groupBy}\"");
        using var doc = await QueryAsync(q, ct).ConfigureAwait(false);
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var statement in doc.RootElement.GetProperty("results").EnumerateArray())
        {
            if (statement.TryGetProperty("error", out var error))
            {
                throw new InvalidOperationException($"InfluxDB: {error.GetString()} ({q})");
            }

            if (!statement.TryGetProperty("series", out var series))
            {
                continue;
            }

            foreach (var s in series.EnumerateArray())
            {
                var key = groupBy is not null && s.TryGetProperty("tags", out var tags) && tags.TryGetProperty(groupBy, out var v)
                    ? v.GetString() ?? ""
                    : "";
                foreach (var row in s.GetProperty("values").EnumerateArray())
                {
                    result[key] = result.GetValueOrDefault(key) + row[1].GetInt64();
                }
            }
        }

        return result;
    }

    public async Task<JsonDocument> QueryAsync(string influxQl, CancellationToken ct)
    {
        var url = new Uri(influx, $"/query?db={Uri.EscapeDataString(database)}&epoch=ns&q={Uri.EscapeDataString(influxQl)}");
        using var response = await http.GetAsync(url, ct).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        return await JsonDocument.ParseAsync(body, cancellationToken: ct).ConfigureAwait(false);
    }
}
