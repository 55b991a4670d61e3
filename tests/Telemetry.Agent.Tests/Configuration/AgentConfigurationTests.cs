using Telemetry.Agent.Configuration;
using Telemetry.Agent.Parsing;
using Telemetry.Agent.Tests.Tailing;
using Telemetry.TestKit;

namespace Telemetry.Agent.Tests.Configuration;

public sealed class AgentConfigurationTests
{
    private const string Valid = """
        state_dir: /tmp/agent-state
        max_line_bytes: 4096
        batch:
          max_records: 500
          max_delay: 00:00:00.250
        sources:
          - name: nginx
            format: nginx
            log_format: combined
            paths: ["/var/log/nginx/*access.log"]
            exclude: ["/var/log/nginx/skip*"]
            start_at: beginning
          - name: api
            format: json
            json_fields: { url.path: path }
            paths: ["/var/log/api/*.json"]
        """;

    private static string Write(TempDirectory dir, string yaml)
    {
        var path = dir.Combine("agent.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void Yaml_keys_bind_to_options()
    {
        using var dir = new TempDirectory();
        var options = AgentConfiguration.Bind(AgentConfiguration.Load(Write(dir, Valid)), out var problems);
        Assert.Empty(problems);
        Assert.Equal("/tmp/agent-state", options!.StateDir);
        Assert.Equal(4096, options.MaxLineBytes);
        Assert.Equal(500, options.Batch.MaxRecords);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.Batch.MaxDelay);
        Assert.Equal(2, options.Sources.Count);
        Assert.Equal("combined", options.Sources[0].LogFormat);
        Assert.Equal(["/var/log/nginx/skip*"], options.Sources[0].Exclude);
        Assert.True(options.Sources[0].StartAtBeginning);
        Assert.Equal("path", options.Sources[1].JsonFields!["url.path"]);
        Assert.False(options.Sources[1].StartAtBeginning);
    }

    [Fact]
    public void Environment_variables_override_yaml()
    {
        using var dir = new TempDirectory();
        Environment.SetEnvironmentVariable("TELEMETRY_BATCH__MAX_RECORDS", "77");
        try
        {
            var options = AgentConfiguration.Bind(AgentConfiguration.Load(Write(dir, Valid)), out _);
            Assert.Equal(77, options!.Batch.MaxRecords);
        }
        finally
        {
            Environment.SetEnvironmentVariable("TELEMETRY_BATCH__MAX_RECORDS", null);
        }
    }

    [Fact]
    public void Each_problem_is_one_line_naming_the_key_and_the_value()
    {
        var options = new AgentOptions
        {
            MaxLineBytes = 10,
            Sources =
            [
                new SourceOptions { Name = "a", Format = "apache", Paths = ["relative/*.log"], StartAt = "middle" },
                new SourceOptions { Name = "a", Format = "lighttpd", Paths = [] },
            ],
        };
        var problems = AgentOptionsValidator.Problems(options);
        Assert.Contains("sources[0].paths[0]: 'relative/*.log' must be an absolute path", problems);
        Assert.Contains("sources[0].start_at: 'middle' is not end or beginning", problems);
        Assert.Contains("sources[1].name: 'a' is used by another source", problems);
        Assert.Contains("sources[1].format: 'lighttpd' is not apache, nginx, iis or json", problems);
        Assert.Contains("sources[1].paths: at least one glob is required", problems);
        Assert.Contains("max_line_bytes: 10 is outside 256..16777216", problems);
        Assert.All(problems, p => Assert.DoesNotContain('\n', p));
    }

    [Fact]
    public async Task Check_prints_each_source_with_the_files_it_matches_now()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("logs"));
        File.WriteAllText(dir.Combine("logs", "site-access.log"), "");
        File.WriteAllText(dir.Combine("logs", "error.log"), "");
        var path = Write(dir, $"""
            state_dir: {dir.Combine("state")}
            sources:
              - name: web
                format: nginx
                paths: ["{dir.Combine("logs")}/*access.log"]
            """);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await AgentAppCommands.RunAsync(["check", "--config", path], stdout, stderr, _ => new TestFormat());
        Assert.Equal(0, code);
        Assert.Equal("", stderr.ToString());
        Assert.Contains("source web (nginx, start_at end):", stdout.ToString());
        Assert.Contains(dir.Combine("logs", "site-access.log"), stdout.ToString());
        Assert.DoesNotContain("error.log", stdout.ToString());
    }

    [Fact]
    public async Task Config_error_exits_with_code_2_and_one_line_per_problem()
    {
        using var dir = new TempDirectory();
        var path = Write(dir, """
            sources:
              - name: web
                format: nginx
                log_format: '$remote_addr $bogus'
                paths: ["/var/log/nginx/access.log"]
            """);
        var stderr = new StringWriter();
        var code = await AgentAppCommands.RunAsync(["run", "--config", path], new StringWriter(), stderr,
            _ => throw new LogFormatProblem("unknown variable $bogus at column 14"));
        Assert.Equal(2, code);
        Assert.Equal("sources[0].log_format: unknown variable $bogus at column 14", stderr.ToString().Trim());
    }

    [Fact]
    public async Task Missing_config_file_exits_with_code_2()
    {
        var stderr = new StringWriter();
        var code = await AgentAppCommands.RunAsync(["check", "--config", "/nonexistent/agent.yaml"], new StringWriter(), stderr, _ => new TestFormat());
        Assert.Equal(2, code);
        Assert.Single(stderr.ToString().Trim().Split('\n'));
    }

    [Fact]
    public void Packaged_sample_configuration_is_valid()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Telemetry.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        }

        var options = AgentConfiguration.Bind(AgentConfiguration.Load(Path.Combine(root, "packaging", "agent", "agent.yaml")), out var problems);
        Assert.Empty(problems);
        Assert.Equal("nginx", options!.Sources[0].Name);
        Assert.Equal(2048, options.Batch.MaxRecords);
    }

    [Fact]
    public void Yaml_syntax_error_names_the_line()
    {
        using var dir = new TempDirectory();
        var path = Write(dir, "sources:\n  - name: [unclosed\n");
        var e = Assert.ThrowsAny<Exception>(() => AgentConfiguration.Load(path));
        Assert.StartsWith("YAML error at line 3, column 1:", (e.InnerException ?? e).Message);
    }

    private sealed class LogFormatProblem(string message) : Exception(message);
}
