using System.IO.Compression;
using Grpc.Net.Compression;

namespace Telemetry.Collector.Receiving;

/// <summary>
/// The <c>grpc-encoding: gzip</c> provider of the gRPC listener. It does not inflate: Grpc.AspNetCore would do
/// that into a growing <see cref="MemoryStream"/> before the handler runs, so before the bearer token is
/// checked. Instead the message reaches <see cref="OtlpGrpcService"/> still compressed, behind a one-byte
/// <see cref="Marker"/> that tells the marshaller the message's compressed flag was set, and is inflated
/// after authentication by <see cref="PayloadInflater"/> under <c>receiver.max_decompressed_bytes</c>.
/// </summary>
public sealed class GzipPassThroughCompressionProvider : ICompressionProvider
{
    /// <summary>
    /// Put before a compressed message. No protobuf message can start with it (field 0, wire type 7), so an
    /// uncompressed message that does is invalid either way and is answered INVALID_ARGUMENT.
    /// </summary>
    public const byte Marker = 0x07;

    public string EncodingName => "gzip";

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        new GZipStream(stream, compressionLevel ?? CompressionLevel.Fastest, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream stream) => new MarkedMessageStream(stream);
}
