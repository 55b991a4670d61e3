using System.Text.Json;

namespace Telemetry.TestKit.InfluxDb;

/// <summary>One series of an InfluxQL answer: name, tags (with GROUP BY), columns and rows.</summary>
public sealed record InfluxSeries(
    string Name,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyList<JsonElement>> Values)
{
    /// <summary>Index of <paramref name="column"/>, or -1.</summary>
    public int ColumnIndex(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i] == column)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The rows as column→value maps (nulls left out), in time order.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> Rows()
    {
        var rows = new List<IReadOnlyDictionary<string, JsonElement>>(Values.Count);
        foreach (var row in Values)
        {
            var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            for (var i = 0; i < row.Count && i < Columns.Count; i++)
            {
                if (row[i].ValueKind != JsonValueKind.Null)
                {
                    map[Columns[i]] = row[i];
                }
            }

            rows.Add(map);
        }

        return rows;
    }

    internal static InfluxSeries Parse(JsonElement series)
    {
        var name = series.TryGetProperty("name", out var n) ? n.GetString() ?? string.Empty : string.Empty;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (series.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in t.EnumerateObject())
            {
                tags[p.Name] = p.Value.GetString() ?? string.Empty;
            }
        }

        var columns = new List<string>();
        foreach (var c in series.GetProperty("columns").EnumerateArray())
        {
            columns.Add(c.GetString() ?? string.Empty);
        }

        var values = new List<IReadOnlyList<JsonElement>>();
        if (series.TryGetProperty("values", out var v))
        {
            foreach (var row in v.EnumerateArray())
            {
                var cells = new List<JsonElement>();
                foreach (var cell in row.EnumerateArray())
                {
                    cells.Add(cell.Clone());
                }

                values.Add(cells);
            }
        }

        return new InfluxSeries(name, tags, columns, values);
    }
}
