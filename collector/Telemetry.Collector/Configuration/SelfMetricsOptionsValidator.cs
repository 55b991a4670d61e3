using Microsoft.Extensions.Options;

namespace Telemetry.Collector.Configuration;

/// <summary>Checks <see cref="SelfMetricsOptions"/> at start.</summary>
public sealed class SelfMetricsOptionsValidator : IValidateOptions<SelfMetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, SelfMetricsOptions options)
    {
        if (options.Interval < TimeSpan.FromSeconds(1) || options.Interval > TimeSpan.FromHours(1))
        {
            return ValidateOptionsResult.Fail(
                $"{SelfMetricsOptions.SectionName}.interval: {options.Interval} is outside 00:00:01..01:00:00");
        }

        return ValidateOptionsResult.Success;
    }
}
