using System.IO.Compression;
using Telemetry.Agent.Batching;
using Telemetry.Agent.Encoders;

namespace Telemetry.Agent.Delivery;

/// <summary>
/// gzip of an encoded request into pooled memory (<see cref="ProtoBuffer"/> from <see cref="BatchMemory"/>), done once per Export: every
/// attempt sends the same compressed bytes. zlib at its fastest level, as gRPC clients use.
/// </summary>
public static class OtlpGzip
{
    /// <summary>Compresses <paramref name="request"/>; the caller disposes the returned buffer.</summary>
    public static ProtoBuffer Compress(ReadOnlySpan<byte> request)
    {
        // Access-log records compress about 5-10 times; the buffer grows (pooled) when they do not.
        var output = new ProtoBuffer(Math.Max(4096, request.Length / 4), BatchMemory.Pool);
        try
        {
            using (var gzip = new GZipStream(new ProtoBufferStream(output), CompressionLevel.Fastest, leaveOpen: false))
            {
                gzip.Write(request);
            }

            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }
}
