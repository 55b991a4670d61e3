using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Compression;

namespace Telemetry.Collector.Receiving;

/// <summary>
/// The <c>grpc-encoding: gzip</c> provider of the gRPC listener, with a cap on the decompressed size: a
/// small compressed message that inflates past <c>receiver.max_decompressed_bytes</c> is answered
/// RESOURCE_EXHAUSTED (without RetryInfo) instead of filling memory.
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
