using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Receiving;

/// <summary>
/// Reads an OTLP/HTTP body into a pooled buffer under <c>receiver.max_request_bytes</c>, then inflates
/// <c>Content-Encoding: gzip</c>/<c>deflate</c> under <c>receiver.max_decompressed_bytes</c>. Every way a
/// body can be refused is an answer, not an exception.
/// </summary>
public static class RequestBodyReader
{
    /// <summary>Reads the raw body. On success <paramref name="body"/> holds it (the caller disposes it).</summary>
    public static async ValueTask<(LineBuffer? Body, ExportAnswer? Refusal)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        var reader = request.BodyReader;
        var body = new LineBuffer((int)Math.Min(request.ContentLength ?? 16 * 1024, maxBytes) + 1);
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await reader.ReadAsync(cancellationToken);
                }
                catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    body.Dispose();
                    return (null, TooLarge(maxBytes));
                }

                var buffer = result.Buffer;
                if (body.Length + buffer.Length > maxBytes)
                {
                    reader.AdvanceTo(buffer.End);
                    body.Dispose();
                    return (null, TooLarge(maxBytes));
                }

                foreach (var segment in buffer)
                {
                    body.Write(segment.Span);
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return (body, null);
                }
            }
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>Inflates <paramref name="compressed"/> with <paramref name="encoding"/> (gzip or deflate).</summary>
    public static (LineBuffer? Body, ExportAnswer? Refusal) Decompress(LineBuffer compressed, ContentCoding encoding, int maxDecompressedBytes)
    {
        var output = new LineBuffer(Math.Min(Math.Max(compressed.Length * 4, 4096), maxDecompressedBytes + 1));
        try
        {
            var segment = compressed.WrittenMemory.ToArrayOrSegment();
            using var source = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false);
            using Stream inflater = encoding == ContentCoding.Gzip
                ? new GZipStream(source, CompressionMode.Decompress)
                : new ZLibStream(source, CompressionMode.Decompress);
            while (true)
            {
                var span = output.GetSpan(16 * 1024);
                var n = inflater.Read(span);
                if (n == 0)
                {
                    break;
                }

                output.Advance(n);
                if (output.Length > maxDecompressedBytes)
                {
                    output.Dispose();
                    return (null, ExportAnswers.TooLarge($"decompressed body exceeds receiver.max_decompressed_bytes ({maxDecompressedBytes})"));
                }
            }

            return (output, null);
        }
        catch (InvalidDataException e)
        {
            output.Dispose();
            var name = encoding == ContentCoding.Gzip ? "gzip" : "deflate";
            return (null, ExportAnswers.Invalid($"body is not valid {name}: {e.Message}"));
        }
    }

    private static ExportAnswer TooLarge(int maxBytes) =>
        ExportAnswers.TooLarge($"request body exceeds receiver.max_request_bytes ({maxBytes})");

    private static ArraySegment<byte> ToArrayOrSegment(this ReadOnlyMemory<byte> memory) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(memory, out var segment) ? segment : new ArraySegment<byte>(memory.ToArray());
}
