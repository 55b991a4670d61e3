using System.Text.Json.Nodes;
using NJsonSchema;

namespace Telemetry.Provisioning.Tests.Grafana;

/// <summary>
/// Every dashboard validates against the JSON Schema generated from @grafana/schema's dashboard model
/// (schema/generate.sh); objects in it are closed, so a misspelt or misplaced key fails.
/// </summary>
public class DashboardSchemaTests
{
    private static readonly Lazy<Task<JsonSchema>> Schema = new(() =>
        JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "schema", "grafana-dashboard.schema.json")));

    public static IEnumerable<object[]> Dashboards => RepositoryFiles.DashboardNames;

    [Fact]
    public void The_three_dashboards_are_provisioned()
    {
        Assert.Equal(["hosts.json", "pipeline-health.json", "web-traffic.json"], RepositoryFiles.Dashboards.Select(Path.GetFileName));
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public async Task Dashboard_validates_against_the_grafana_dashboard_schema(string name)
    {
        var schema = await Schema.Value;
        var errors = schema.Validate(await File.ReadAllTextAsync(RepositoryFiles.Grafana("dashboards", name)));
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind} {e.Property}")));
    }

    [Theory]
    [InlineData("gridPos", "gridPosition")]
    [InlineData("targets", "queries")]
    public async Task A_misspelt_panel_key_fails_validation(string key, string misspelt)
    {
        var schema = await Schema.Value;
        var dashboard = JsonNode.Parse(await File.ReadAllTextAsync(RepositoryFiles.Grafana("dashboards", "web-traffic.json")))!;
        var panel = dashboard["panels"]![1]!.AsObject();
        var value = panel[key]!.DeepClone();
        panel.Remove(key);
        panel[misspelt] = value;
        Assert.NotEmpty(schema.Validate(dashboard.ToJsonString()));
    }

    [Fact]
    public async Task A_variable_with_an_unknown_refresh_mode_fails_validation()
    {
        var schema = await Schema.Value;
        var dashboard = JsonNode.Parse(await File.ReadAllTextAsync(RepositoryFiles.Grafana("dashboards", "web-traffic.json")))!;
        dashboard["templating"]!["list"]![0]!["refresh"] = 7;
        Assert.NotEmpty(schema.Validate(dashboard.ToJsonString()));
    }
}
