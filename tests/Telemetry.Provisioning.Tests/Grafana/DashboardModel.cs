using System.Text.Json;

namespace Telemetry.Provisioning.Tests.Grafana;

/// <summary>Walks a dashboard JSON: panels (rows included, nested ones too), their targets and the template variables.</summary>
public static class DashboardModel
{
    public static JsonDocument Load(string name) => JsonDocument.Parse(File.ReadAllText(RepositoryFiles.Grafana("dashboards", name)));

    public static IEnumerable<JsonElement> Panels(JsonElement dashboard)
    {
        foreach (var panel in dashboard.GetProperty("panels").EnumerateArray())
        {
            yield return panel;
            if (panel.TryGetProperty("panels", out var nested))
            {
                foreach (var inner in nested.EnumerateArray())
                {
                    yield return inner;
                }
            }
        }
    }

    public static IEnumerable<(JsonElement Panel, JsonElement Target)> Targets(JsonElement dashboard)
    {
        foreach (var panel in Panels(dashboard))
        {
            if (panel.TryGetProperty("targets", out var targets))
            {
                foreach (var target in targets.EnumerateArray())
                {
                    yield return (panel, target);
                }
            }
        }
    }

    public static IEnumerable<JsonElement> Variables(JsonElement dashboard) =>
        dashboard.TryGetProperty("templating", out var templating) ? templating.GetProperty("list").EnumerateArray() : [];
}
