using Microsoft.Extensions.Logging;

namespace Telemetry.Collector.Receiving;

/// <summary>Every log message of the receivers.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "Authentication is OFF: no receiver.auth.bearer_tokens or bearer_token_file configured; any client that reaches the listeners can write")]
    public static partial void AuthenticationDisabled(this ILogger logger);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Bearer authentication on with {TokenCount} accepted token(s)")]
    public static partial void AuthenticationEnabled(this ILogger logger, int tokenCount);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information,
        Message = "Listening for OTLP/gRPC on {GrpcEndpoint} and OTLP/HTTP on {HttpEndpoint} (TLS {Tls}, client certificates {ClientCertificates})")]
    public static partial void Listening(this ILogger logger, string grpcEndpoint, string httpEndpoint, bool tls, string clientCertificates);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug,
        Message = "{Protocol} {Signal} export from {Peer} answered {Outcome}: {Message}")]
    public static partial void Answered(this ILogger logger, string protocol, OtlpSignal signal, string? peer, string outcome, string? message);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning,
        Message = "{Protocol} {Signal} export from {Peer} refused ({Outcome}): {Message}")]
    public static partial void Refused(this ILogger logger, string protocol, OtlpSignal signal, string? peer, string outcome, string? message);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "The export pipeline failed on a {Signal} request")]
    public static partial void PipelineFailed(this ILogger logger, OtlpSignal signal, Exception exception);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information,
        Message = "{Protocol} {Signal} export from {Peer} partially stored: {Rejected} rejected ({Message})")]
    public static partial void Partial(this ILogger logger, string protocol, OtlpSignal signal, string? peer, long rejected, string? message);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Client certificate refused: {Reason}")]
    public static partial void ClientCertificateRefused(this ILogger logger, string reason);
}
