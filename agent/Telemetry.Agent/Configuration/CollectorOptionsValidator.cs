using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Telemetry.Agent.Configuration;

/// <summary>
/// Refuses a <c>collector</c> section that could not work, with one line naming the key and the value:
/// a plain-text endpoint without <c>insecure: true</c>, unreadable certificate or token files, half of
/// a client key pair, nonsensical durations. Certificate files are parsed here so that a broken PEM stops
/// the agent at start instead of at the first export.
/// </summary>
public sealed class CollectorOptionsValidator : IValidateOptions<CollectorOptions>
{
    public ValidateOptionsResult Validate(string? name, CollectorOptions options)
    {
        var failures = new List<string>();
        ValidateEndpoint(options, failures);
        ValidateTls(options, failures);
        ValidateToken(options, failures);
        ValidatePositive("collector.timeout", options.Timeout, failures);
        ValidatePositive("collector.initial_backoff", options.InitialBackoff, failures);
        ValidatePositive("collector.max_backoff", options.MaxBackoff, failures);
        if (options.ShutdownTimeout < TimeSpan.Zero || options.ShutdownTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"collector.shutdown_timeout: {options.ShutdownTimeout} is not between 0 and 5 minutes");
        }

        if (options.MaxBackoff < options.InitialBackoff)
        {
            failures.Add($"collector.max_backoff: {options.MaxBackoff} is shorter than collector.initial_backoff {options.InitialBackoff}");
        }

        if (options.MetricsInterval < TimeSpan.FromSeconds(1))
        {
            failures.Add($"collector.metrics_interval: {options.MetricsInterval} is shorter than 1 second");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateEndpoint(CollectorOptions options, List<string> failures)
    {
        if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || string.IsNullOrEmpty(uri.Host))
        {
            failures.Add($"collector.endpoint: '{options.Endpoint}' is not an https:// (or http://) URL with a host");
            return;
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !options.Insecure)
        {
            failures.Add($"collector.endpoint: '{options.Endpoint}' is plain text; use https:// or set collector.insecure: true");
        }

        if (uri.Scheme == Uri.UriSchemeHttp
            && (options.CaFile is { Length: > 0 } || options.ClientCertFile is { Length: > 0 }))
        {
            failures.Add($"collector.endpoint: '{options.Endpoint}' is plain text but collector.ca_file/client_cert_file are set; use https://");
        }
    }

    private static void ValidateTls(CollectorOptions options, List<string> failures)
    {
        if (options.CaFile is { Length: > 0 } caFile)
        {
            try
            {
                var roots = new X509Certificate2Collection();
                roots.ImportFromPemFile(caFile);
                if (roots.Count == 0)
                {
                    failures.Add($"collector.ca_file: '{caFile}' holds no PEM certificate");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                failures.Add($"collector.ca_file: '{caFile}' cannot be read: {e.Message}");
            }
        }

        var hasCert = options.ClientCertFile is { Length: > 0 };
        var hasKey = options.ClientKeyFile is { Length: > 0 };
        if (hasCert != hasKey)
        {
            failures.Add(hasCert
                ? $"collector.client_key_file: missing; collector.client_cert_file '{options.ClientCertFile}' needs its key"
                : $"collector.client_cert_file: missing; collector.client_key_file '{options.ClientKeyFile}' needs its certificate");
            return;
        }

        if (hasCert)
        {
            try
            {
                using var certificate = X509Certificate2.CreateFromPemFile(options.ClientCertFile!, options.ClientKeyFile);
                if (!certificate.HasPrivateKey)
                {
                    failures.Add($"collector.client_key_file: '{options.ClientKeyFile}' does not hold the key of '{options.ClientCertFile}'");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                failures.Add($"collector.client_cert_file: '{options.ClientCertFile}' with key '{options.ClientKeyFile}' cannot be loaded: {e.Message}");
            }
        }
    }

    private static void ValidateToken(CollectorOptions options, List<string> failures)
    {
        if (options.BearerToken is { Length: > 0 } && options.BearerTokenFile is { Length: > 0 })
        {
            failures.Add("collector.bearer_token: set together with collector.bearer_token_file; keep one");
        }

        if (options.BearerToken is { Length: > 0 } token && !IsHeaderSafe(token))
        {
            failures.Add("collector.bearer_token: contains whitespace or control characters");
        }

        if (options.BearerTokenFile is { Length: > 0 } file)
        {
            try
            {
                var text = File.ReadAllText(file).Trim();
                if (text.Length == 0)
                {
                    failures.Add($"collector.bearer_token_file: '{file}' is empty");
                }
                else if (!IsHeaderSafe(text))
                {
                    failures.Add($"collector.bearer_token_file: '{file}' holds whitespace or control characters inside the token");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add($"collector.bearer_token_file: '{file}' cannot be read: {e.Message}");
            }
        }
    }

    private static void ValidatePositive(string key, TimeSpan value, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{key}: {value} must be positive");
        }
    }

    /// <summary>A token goes into an HTTP/2 header value: printable ASCII without spaces.</summary>
    internal static bool IsHeaderSafe(string token)
    {
        foreach (var c in token)
        {
            if (c <= ' ' || c > '~')
            {
                return false;
            }
        }

        return true;
    }
}
