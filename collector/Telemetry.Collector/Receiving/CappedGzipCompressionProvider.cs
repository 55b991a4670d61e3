using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Compression;

namespace Telemetry.Collector.Receiving;

/// <summary>
/// The <c>grpc-encoding: gzip</c> provider of the gRPC listener. Grpc.AspNetCore already refuses a message
/// whose inflated size passes <c>MaxReceiveMessageSize</c> (= <c>receiver.max_request_bytes</c>) with
/// RESOURCE_EXHAUSTED; this provider adds a hard cap at <c>receiver.max_decompressed_bytes</c> as a second
/// line, and answers a corrupt gzip stream INVALID_ARGUMENT instead of an opaque UNKNOWN.
/// </summary>
public sealed class CappedGzipCompressionProvider : ICompressionProvider
{
    private readonly long _maxDecompressedBytes;

    public CappedGzipCompressionProvider(long maxDecompressedBytes)
    {
        _maxDecompressedBytes = maxDecompressedBytes;
    }

    public string EncodingName => "gzip";

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        new GZipStream(stream, compressionLevel ?? CompressionLevel.Fastest, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream stream) =>
        new LengthCappedStream(new GZipStream(stream, CompressionMode.Decompress), _maxDecompressedBytes, static max =>
            OtlpGrpcService.Failure(ExportAnswers.TooLarge($"decompressed message exceeds receiver.max_decompressed_bytes ({max})")));
}
