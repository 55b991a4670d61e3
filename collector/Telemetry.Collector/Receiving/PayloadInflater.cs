using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Receiving;

/// <summary>
/// Inflates a gzip (RFC 1952) or zlib "deflate" (RFC 1950) request body into one pooled buffer, for gRPC
/// (<c>grpc-encoding: gzip</c>) and OTLP/HTTP (<c>Content-Encoding</c>) alike. A gzip body must be exactly one
/// member: the buffer is sized from the trailer's ISIZE (never beyond <c>receiver.max_decompressed_bytes</c>,
/// whatever ISIZE claims), zlib checks the header, CRC-32 and ISIZE, and the whole inflated length must equal
/// the last trailer's ISIZE, which concatenated members cannot meet. A body that ends early is refused, not
/// read as a shorter message: <c>System.IO.Compression.UseStrictValidation</c> (Directory.Build.props) makes
/// System.IO.Compression throw on truncated input.
/// </summary>
public static class PayloadInflater
{
    private const int GzipHeaderBytes = 10;
    private const int GzipTrailerBytes = 8;

    /// <summary>Inflates <paramref name="compressed"/>; on success the caller disposes the returned buffer.</summary>
    public static (LineBuffer? Body, ExportAnswer? Refusal) Inflate(ReadOnlyMemory<byte> compressed, ContentCoding coding, int maxBytes)
    {
        var name = coding == ContentCoding.Gzip ? "gzip" : "deflate";
        var expected = -1L;
        int capacity;
        if (coding == ContentCoding.Gzip)
        {
            var member = compressed.Span;
            if (member.Length < GzipHeaderBytes + GzipTrailerBytes || member[0] != 0x1f || member[1] != 0x8b)
            {
                return (null, ExportAnswers.Invalid("body is not valid gzip: no gzip header (1f 8b)"));
            }

            expected = BinaryPrimitives.ReadUInt32LittleEndian(member[^4..]);
            capacity = (int)Math.Min(expected, maxBytes) + 1;
        }
        else
        {
            capacity = Math.Min(Math.Max(compressed.Length * 4, 4096), maxBytes + 1);
        }

        if (!MemoryMarshal.TryGetArray(compressed, out var segment))
        {
            segment = new ArraySegment<byte>(compressed.ToArray());
        }

        var output = new LineBuffer(capacity);
        try
        {
            using var source = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false);
            using Stream inflater = coding == ContentCoding.Gzip
                ? new GZipStream(source, CompressionMode.Decompress)
                : new ZLibStream(source, CompressionMode.Decompress);
            while (true)
            {
                // The buffer already has ISIZE + 1 bytes: it grows only when ISIZE understates.
                var n = inflater.Read(output.GetSpan(1));
                if (n == 0)
                {
                    break;
                }

                output.Advance(n);
                if (output.Length > maxBytes)
                {
                    output.Dispose();
                    return (null, ExportAnswers.TooLarge($"decompressed body exceeds receiver.max_decompressed_bytes ({maxBytes})"));
                }
            }

            if (expected >= 0 && output.Length != expected)
            {
                output.Dispose();
                return (null, ExportAnswers.Invalid(
                    $"body is not valid gzip: {output.Length} bytes inflated, the last trailer says {expected} (one member only, no concatenated members)"));
            }

            return (output, null);
        }
        catch (InvalidDataException e)
        {
            output.Dispose();
            return (null, ExportAnswers.Invalid($"body is not valid {name}: {e.Message}"));
        }
    }
}
