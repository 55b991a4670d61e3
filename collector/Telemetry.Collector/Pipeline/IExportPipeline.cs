namespace Telemetry.Collector.Pipeline;

/// <summary>
/// The hand-off from Receiving to Mapping/Writing. The receiver has already authenticated the caller,
/// enforced the size limit, decompressed the body and (for OTLP/JSON) converted it to protobuf bytes.
/// The returned task completes only when every point produced from the request is durably written to
/// InfluxDB, or when it is certain that it will not be (the caller then keeps the data and retries).
/// </summary>
public interface IExportPipeline
{
    /// <summary>Maps an <c>ExportLogsServiceRequest</c> (protobuf wire bytes) and writes its points.</summary>
    ValueTask<ExportResult> ExportLogsAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken);

    /// <summary>Maps an <c>ExportMetricsServiceRequest</c> (protobuf wire bytes) and writes its points.</summary>
    ValueTask<ExportResult> ExportMetricsAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken);
}
