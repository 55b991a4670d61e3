namespace Telemetry.Provisioning.Tests;

/// <summary>Paths of the provisioning files in the repository the tests run from.</summary>
public static class RepositoryFiles
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Telemetry.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Telemetry.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => RootPath.Value;

    public static string Grafana(params string[] parts) => Path.Combine([Root, "packaging", "grafana", .. parts]);

    public static string Influx(params string[] parts) => Path.Combine([Root, "packaging", "influxdb", .. parts]);

    public static IEnumerable<string> Dashboards => Directory.EnumerateFiles(Grafana("dashboards"), "*.json").Order(StringComparer.Ordinal);

    public static IEnumerable<object[]> DashboardNames => Dashboards.Select(p => new object[] { Path.GetFileName(p) });
}
