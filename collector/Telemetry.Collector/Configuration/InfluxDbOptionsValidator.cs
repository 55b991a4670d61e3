using System.Globalization;
using Microsoft.Extensions.Options;

namespace Telemetry.Collector.Configuration;

/// <summary>Refuses a wrong <c>influxdb</c> section at start, naming the key and the bad value.</summary>
public sealed class InfluxDbOptionsValidator : IValidateOptions<InfluxDbOptions>
{
    public ValidateOptionsResult Validate(string? name, InfluxDbOptions options)
    {
        var errors = new List<string>();
        const string S = InfluxDbOptions.SectionName;

        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{S}.url: '{options.Url}' is not an absolute http:// or https:// URL");
        }
        else if (!string.IsNullOrEmpty(url.Query))
        {
            errors.Add($"{S}.url: '{options.Url}' must not carry a query string (use database/bucket keys)");
        }

        var api = options.Api;
        if (!string.Equals(api, "v1", StringComparison.OrdinalIgnoreCase) && !string.Equals(api, "v2", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{S}.api: '{api}' must be v1 or v2");
        }
        else if (options.IsV2)
        {
            Require(errors, "org", options.Org);
            Require(errors, "bucket", options.Bucket);
            if (string.IsNullOrEmpty(options.Token) && string.IsNullOrEmpty(options.TokenFile))
            {
                errors.Add($"{S}.token: api v2 needs token or token_file");
            }

            if (!string.IsNullOrEmpty(options.Token) && !string.IsNullOrEmpty(options.TokenFile))
            {
                errors.Add($"{S}.token_file: '{options.TokenFile}' given together with token; set only one");
            }

            FileMustExist(errors, "token_file", options.TokenFile);
        }
        else
        {
            Require(errors, "database", options.Database);
            if (!string.IsNullOrEmpty(options.Password) && !string.IsNullOrEmpty(options.PasswordFile))
            {
                errors.Add($"{S}.password_file: '{options.PasswordFile}' given together with password; set only one");
            }

            if (string.IsNullOrEmpty(options.Username) && (!string.IsNullOrEmpty(options.Password) || !string.IsNullOrEmpty(options.PasswordFile)))
            {
                errors.Add($"{S}.username: empty, but a password is set");
            }

            FileMustExist(errors, "password_file", options.PasswordFile);
        }

        Positive(errors, "batch_max_points", options.BatchMaxPoints, 1, 1_000_000);
        Positive(errors, "batch_max_bytes", options.BatchMaxBytes, 1024, 256 * 1024 * 1024);
        Positive(errors, "max_concurrent_requests", options.MaxConcurrentRequests, 1, 256);
        Positive(errors, "max_retries", options.MaxRetries, 0, 100);
        Positive(errors, "queue_max_points", options.QueueMaxPoints, 1, 100_000_000);
        if (options.QueueMaxPoints < options.BatchMaxPoints)
        {
            errors.Add($"{S}.queue_max_points: {options.QueueMaxPoints} is smaller than batch_max_points ({options.BatchMaxPoints})");
        }

        if (options.QueueMaxBytes < 64 * 1024 || options.QueueMaxBytes > 64L * 1024 * 1024 * 1024)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{S}.queue_max_bytes: {options.QueueMaxBytes} is outside 65536 (64 KiB)..68719476736 (64 GiB)"));
        }
        else if (options.QueueMaxBytes < options.BatchMaxBytes)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{S}.queue_max_bytes: {options.QueueMaxBytes} is smaller than batch_max_bytes ({options.BatchMaxBytes})"));
        }

        Duration(errors, "flush_interval", options.FlushInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(5));
        Duration(errors, "timeout", options.Timeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        Duration(errors, "retry_initial_backoff", options.RetryInitialBackoff, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10));
        Duration(errors, "retry_max_backoff", options.RetryMaxBackoff, options.RetryInitialBackoff, TimeSpan.FromHours(1));
        FileMustExist(errors, "ca_file", options.CaFile);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Require(List<string> errors, string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{InfluxDbOptions.SectionName}.{key}: must not be empty");
        }
    }

    private static void FileMustExist(List<string> errors, string key, string? path)
    {
        if (!string.IsNullOrEmpty(path) && !File.Exists(path))
        {
            errors.Add($"{InfluxDbOptions.SectionName}.{key}: file '{path}' does not exist");
        }
    }

    private static void Positive(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{InfluxDbOptions.SectionName}.{key}: {value} is outside {min}..{max}"));
        }
    }

    private static void Duration(List<string> errors, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{InfluxDbOptions.SectionName}.{key}: {value} is outside {min}..{max}"));
        }
    }
}
