using Microsoft.Extensions.Options;

namespace Telemetry.Collector.Configuration;

/// <summary>Checks <see cref="ReceiverOptions"/> at start; each failure is one line naming the key and the value.</summary>
public sealed class ReceiverOptionsValidator : IValidateOptions<ReceiverOptions>
{
    public ValidateOptionsResult Validate(string? name, ReceiverOptions options)
    {
        var error = FirstError(options);
        return error is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(error);
    }

    /// <summary>The first problem as <c>key: problem</c>, or null when the options are usable.</summary>
    public static string? FirstError(ReceiverOptions options)
    {
        const string S = ReceiverOptions.SectionName + ".";
        if (!ListenEndpoint.TryParse(options.GrpcEndpoint, out var grpc))
        {
            return $"{S}grpc_endpoint: '{options.GrpcEndpoint}' is not host:port (e.g. 0.0.0.0:4317)";
        }

        if (!ListenEndpoint.TryParse(options.HttpEndpoint, out var http))
        {
            return $"{S}http_endpoint: '{options.HttpEndpoint}' is not host:port (e.g. 0.0.0.0:4318)";
        }

        if (grpc.Port != 0 && grpc.Port == http.Port)
        {
            return $"{S}http_endpoint: port {http.Port} is already used by receiver.grpc_endpoint";
        }

        if (options.MaxRequestBytes < 1024)
        {
            return $"{S}max_request_bytes: {options.MaxRequestBytes} is below the minimum of 1024";
        }

        if (options.MaxDecompressedBytes < options.MaxRequestBytes)
        {
            return $"{S}max_decompressed_bytes: {options.MaxDecompressedBytes} is smaller than max_request_bytes ({options.MaxRequestBytes})";
        }

        var tls = options.Tls;
        if (tls.Enabled)
        {
            if (string.IsNullOrWhiteSpace(tls.KeyFile))
            {
                return $"{S}tls.key_file: required when tls.cert_file is set";
            }

            if (FileProblem(tls.CertFile!) is { } certProblem)
            {
                return $"{S}tls.cert_file: {certProblem}";
            }

            if (FileProblem(tls.KeyFile) is { } keyProblem)
            {
                return $"{S}tls.key_file: {keyProblem}";
            }
        }
        else if (!string.IsNullOrWhiteSpace(tls.KeyFile) || !string.IsNullOrWhiteSpace(tls.ClientCaFile) || tls.RequireClientCertificate)
        {
            return $"{S}tls.cert_file: required when other receiver.tls keys are set";
        }

        if (!string.IsNullOrWhiteSpace(tls.ClientCaFile) && FileProblem(tls.ClientCaFile) is { } caProblem)
        {
            return $"{S}tls.client_ca_file: {caProblem}";
        }

        if (tls.RequireClientCertificate && string.IsNullOrWhiteSpace(tls.ClientCaFile))
        {
            return $"{S}tls.require_client_certificate: needs tls.client_ca_file (the CA client certificates must chain to)";
        }

        for (var i = 0; i < options.Auth.BearerTokens.Count; i++)
        {
            var token = options.Auth.BearerTokens[i];
            if (string.IsNullOrWhiteSpace(token) || token.Trim().Length != token.Length)
            {
                return $"{S}auth.bearer_tokens[{i}]: a token must not be empty or have surrounding white space";
            }
        }

        if (!string.IsNullOrWhiteSpace(options.Auth.BearerTokenFile) && FileProblem(options.Auth.BearerTokenFile) is { } tokenProblem)
        {
            return $"{S}auth.bearer_token_file: {tokenProblem}";
        }

        return null;
    }

    private static string? FileProblem(string path)
    {
        if (!File.Exists(path))
        {
            return $"file '{path}' not found";
        }

        try
        {
            using var stream = File.OpenRead(path);
        }
        catch (UnauthorizedAccessException)
        {
            return $"file '{path}' is not readable (permission denied)";
        }
        catch (IOException e)
        {
            return $"file '{path}' is not readable ({e.Message})";
        }

        return null;
    }
}
