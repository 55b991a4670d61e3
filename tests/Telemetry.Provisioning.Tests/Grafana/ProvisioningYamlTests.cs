using YamlDotNet.RepresentationModel;

namespace Telemetry.Provisioning.Tests.Grafana;

/// <summary>The YAML files Grafana provisions parse, and refer to each other by the fixed uids.</summary>
public class ProvisioningYamlTests
{
    private static YamlMappingNode Load(params string[] path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(RepositoryFiles.Grafana(["provisioning", .. path]));
        stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents.Single().RootNode;
        Assert.Equal("1", S(root, "apiVersion"));
        return root;
    }

    private static string S(YamlNode node, string key) => ((YamlScalarNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)]).Value!;

    private static YamlNode N(YamlNode node, string key) => ((YamlMappingNode)node).Children[new YamlScalarNode(key)];

    private static IEnumerable<YamlNode> Seq(YamlNode node, string key) => ((YamlSequenceNode)N(node, key)).Children;

    [Fact]
    public void InfluxQL_data_source_has_the_uid_the_dashboards_use()
    {
        var ds = Seq(Load("datasources", "telemetry.yaml"), "datasources").Single();
        Assert.Equal("telemetry-influxdb", S(ds, "uid"));
        Assert.Equal("influxdb", S(ds, "type"));
        Assert.Equal("proxy", S(ds, "access"));
        Assert.Equal("InfluxQL", S(N(ds, "jsonData"), "version"));
        Assert.Equal("telemetry", S(N(ds, "jsonData"), "dbName"));
        Assert.Equal("$TELEMETRY_INFLUXDB_PASSWORD", S(N(ds, "secureJsonData"), "password"));
    }

    [Fact]
    public void Flux_data_source_is_a_separate_uid_with_a_token()
    {
        var ds = Seq(Load("datasources", "telemetry-flux.yaml"), "datasources").Single();
        Assert.Equal("telemetry-influxdb-flux", S(ds, "uid"));
        Assert.Equal("Flux", S(N(ds, "jsonData"), "version"));
        Assert.Equal("telemetry", S(N(ds, "jsonData"), "defaultBucket"));
        Assert.Equal("$TELEMETRY_INFLUXDB_TOKEN", S(N(ds, "secureJsonData"), "token"));
    }

    [Fact]
    public void Dashboard_provider_loads_files_into_the_telemetry_folder()
    {
        var provider = Seq(Load("dashboards", "telemetry.yaml"), "providers").Single();
        Assert.Equal("file", S(provider, "type"));
        Assert.Equal("Telemetry", S(provider, "folder"));
        Assert.StartsWith("/", S(N(provider, "options"), "path"), StringComparison.Ordinal);
    }

    [Fact]
    public void Alert_rules_query_the_provisioned_data_source_and_their_conditions_resolve()
    {
        var group = Seq(Load("alerting", "rules.yaml"), "groups").Single();
        var rules = Seq(group, "rules").ToList();
        Assert.Equal(
            ["telemetry-5xx-ratio", "telemetry-host-silent", "telemetry-no-host-metrics", "telemetry-agent-lag", "telemetry-collector-write-errors"],
            rules.Select(r => S(r, "uid")));
        foreach (var rule in rules)
        {
            var data = Seq(rule, "data").ToList();
            var refIds = data.Select(d => S(d, "refId")).ToList();
            Assert.Equal(refIds.Count, refIds.Distinct().Count());
            Assert.Contains(S(rule, "condition"), refIds);
            Assert.Contains(S(rule, "noDataState"), new[] { "OK", "NoData", "Alerting", "KeepLast" });
            Assert.Equal("Error", S(rule, "execErrState"));
            foreach (var item in data)
            {
                var uid = S(item, "datasourceUid");
                var model = N(item, "model");
                Assert.Equal(S(item, "refId"), S(model, "refId"));
                if (uid == "__expr__")
                {
                    var type = S(model, "type");
                    Assert.Contains(type, new[] { "reduce", "math", "threshold" });
                    var expression = S(model, "expression");
                    foreach (var reference in expression.Split(' ', '/', '*', '+', '-', '(', ')').Where(t => t.Length > 0))
                    {
                        var name = reference.TrimStart('$');
                        if (char.IsAsciiLetterUpper(name[0]))
                        {
                            Assert.True(refIds.IndexOf(name) >= 0 && refIds.IndexOf(name) < refIds.IndexOf(S(item, "refId")),
                                $"{S(rule, "uid")}: {S(item, "refId")} refers to {name}, which is not an earlier query");
                        }
                    }
                }
                else
                {
                    Assert.Equal("telemetry-influxdb", uid);
                    Assert.StartsWith("SELECT ", S(model, "query"), StringComparison.Ordinal);
                    Assert.Equal("true", S(model, "rawQuery"));
                }
            }
        }

        var noData = rules.Single(r => S(r, "uid") == "telemetry-no-host-metrics");
        Assert.Equal("Alerting", S(noData, "noDataState"));
    }

    [Fact]
    public void Notification_policy_routes_to_the_provisioned_contact_point()
    {
        var contact = Seq(Load("alerting", "contactpoints.yaml"), "contactPoints").Single();
        var name = S(contact, "name");
        var policy = Seq(Load("alerting", "policies.yaml"), "policies").Single();
        Assert.Equal(name, S(policy, "receiver"));
        Assert.All(Seq(policy, "routes"), r => Assert.Equal(name, S(r, "receiver")));
        Assert.Equal(["email", "webhook"], Seq(contact, "receivers").Select(r => S(r, "type")));
    }
}
