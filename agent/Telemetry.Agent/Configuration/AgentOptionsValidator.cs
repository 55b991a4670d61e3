using Microsoft.Extensions.Options;

namespace Telemetry.Agent.Configuration;

/// <summary>
/// Checks the agent's options at start; every problem is one line naming the key and the bad value,
/// e.g. <c>sources[1].start_at: 'middle' is not end or beginning</c>.
/// </summary>
public sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var problems = Problems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static List<string> Problems(AgentOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.StateDir))
        {
            problems.Add("state_dir: must name a writable directory");
        }

        if (options.Sources.Count == 0)
        {
            problems.Add("sources: at least one source is required");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Sources.Count; i++)
        {
            var source = options.Sources[i];
            var at = $"sources[{i}]";
            if (string.IsNullOrWhiteSpace(source.Name))
            {
                problems.Add($"{at}.name: is required");
            }
            else if (!names.Add(source.Name))
            {
                problems.Add($"{at}.name: '{source.Name}' is used by another source");
            }

            if (source.Format is not ("apache" or "nginx" or "iis" or "json"))
            {
                problems.Add($"{at}.format: '{source.Format}' is not apache, nginx, iis or json");
            }

            if (source.JsonFields is { Count: > 0 } && source.Format != "json")
            {
                problems.Add($"{at}.json_fields: only valid with format json, not '{source.Format}'");
            }

            if (source.Paths.Count == 0)
            {
                problems.Add($"{at}.paths: at least one glob is required");
            }

            for (var p = 0; p < source.Paths.Count; p++)
            {
                if (!Path.IsPathRooted(source.Paths[p]))
                {
                    problems.Add($"{at}.paths[{p}]: '{source.Paths[p]}' must be an absolute path");
                }
            }

            if (source.StartAt is not ("end" or "beginning"))
            {
                problems.Add($"{at}.start_at: '{source.StartAt}' is not end or beginning");
            }
        }

        Positive(problems, "batch.max_records", options.Batch.MaxRecords, 1, 1_000_000);
        Positive(problems, "batch.max_bytes", options.Batch.MaxBytes, 1024, 64 * 1024 * 1024);
        Positive(problems, "batch.max_in_flight", options.Batch.MaxInFlight, 1, 256);
        Positive(problems, "max_line_bytes", options.MaxLineBytes, 256, 16 * 1024 * 1024);
        if (options.MaxLineBytes > options.Batch.MaxBytes)
        {
            problems.Add($"max_line_bytes: {options.MaxLineBytes} is larger than batch.max_bytes ({options.Batch.MaxBytes}); one line must fit in a batch");
        }

        Duration(problems, "batch.max_delay", options.Batch.MaxDelay);
        Duration(problems, "poll_interval", options.PollInterval);
        Duration(problems, "idle_poll_interval", options.IdlePollInterval);
        if (options.IdlePollInterval < options.PollInterval)
        {
            problems.Add($"idle_poll_interval: {options.IdlePollInterval} is shorter than poll_interval ({options.PollInterval})");
        }

        Duration(problems, "checkpoint_interval", options.CheckpointInterval);
        Duration(problems, "rotate_wait", options.RotateWait);
        Duration(problems, "forget_after", options.ForgetAfter);
        Duration(problems, "request_metrics.interval", options.RequestMetrics.Interval);
        Positive(problems, "request_metrics.max_vhosts", options.RequestMetrics.MaxVhosts, 1, 100_000);
        return problems;
    }

    private static void Positive(List<string> problems, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            problems.Add($"{key}: {value} is outside {min}..{max}");
        }
    }

    private static void Duration(List<string> problems, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{key}: {value} must be a positive duration (e.g. 500ms as 00:00:00.5)");
        }
    }
}
