using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Receiving;

/// <summary>
/// Reads an OTLP/HTTP body into a pooled buffer under <c>receiver.max_request_bytes</c> (inflating a
/// <c>Content-Encoding</c> is <see cref="PayloadInflater"/>'s job). Every way a body can be refused is an
/// answer, not an exception.
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

    private static ExportAnswer TooLarge(int maxBytes) =>
        ExportAnswers.TooLarge($"request body exceeds receiver.max_request_bytes ({maxBytes})");
}
