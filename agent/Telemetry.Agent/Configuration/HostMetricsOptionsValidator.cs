using Microsoft.Extensions.Options;

namespace Telemetry.Agent.Configuration;

/// <summary>Refuses a <c>host_metrics</c> section that cannot work, naming the key and the bad value.</summary>
internal sealed class HostMetricsOptionsValidator : IValidateOptions<HostMetricsOptions>
{
    internal static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan MaxInterval = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, HostMetricsOptions options)
    {
        if (options.Interval < MinInterval || options.Interval > MaxInterval)
        {
            return ValidateOptionsResult.Fail(
                $"host_metrics.interval: {options.Interval} is out of range (must be between {MinInterval} and {MaxInterval})");
        }

        return ValidateOptionsResult.Success;
    }
}
