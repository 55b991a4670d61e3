using Microsoft.Extensions.Options;

namespace Telemetry.Collector.Configuration;

/// <summary>Refuses a <c>limits</c> section that cannot work, naming the key and the value.</summary>
public sealed class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitsOptions options)
    {
        var failures = new List<string>();
        if (options.MaxRecordsPerRequest < 1)
        {
            failures.Add($"limits.max_records_per_request: must be at least 1, got {options.MaxRecordsPerRequest}");
        }

        if (options.MaxStringLength < 16)
        {
            failures.Add($"limits.max_string_length: must be at least 16 bytes, got {options.MaxStringLength}");
        }

        if (options.MaxAttributesPerRecord is < 1 or > 4096)
        {
            failures.Add($"limits.max_attributes_per_record: must be between 1 and 4096, got {options.MaxAttributesPerRecord}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
