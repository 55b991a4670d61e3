namespace Telemetry.Collector.Mapping;

/// <summary>What mapping one Export request produced. When <see cref="Error"/> is set the request is
/// refused whole (undecodable or over a per-request limit) and nothing must be written.</summary>
/// <param name="Received">Log records or metric data points found in the request.</param>
/// <param name="Points">Points written to the session's buffer.</param>
/// <param name="Rejected">Records or data points that produced no point, for cause.</param>
/// <param name="RejectionMessage">The first rejection's reason, for <c>partial_success</c>.</param>
/// <param name="Truncated">String values cut at <c>limits.max_string_length</c>.</param>
/// <param name="Error">Why the whole request was refused.</param>
internal readonly record struct MappingResult(
    int Received,
    int Points,
    int Rejected,
    string? RejectionMessage,
    int Truncated,
    string? Error)
{
    public static MappingResult Failed(int received, string error) => new(received, 0, 0, null, 0, error);
}
