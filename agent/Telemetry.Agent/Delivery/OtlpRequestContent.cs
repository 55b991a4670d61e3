using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;

namespace Telemetry.Agent.Delivery;

/// <summary>
/// The body of a gRPC unary request: the 5-byte frame header (compressed flag, big-endian length) and the
/// encoded message, written from the caller's buffer to the HTTP/2 stream without an intermediate copy.
/// Can be sent more than once (it only reads the buffer).
/// </summary>
public sealed class OtlpRequestContent : HttpContent
{
    public const int FrameHeaderLength = 5;

    private readonly OtlpEncodedRequest _request;

    public OtlpRequestContent(OtlpEncodedRequest request, MediaTypeHeaderValue contentType)
    {
        _request = request;
        Headers.ContentType = contentType;
    }

    /// <summary>The frame header for <paramref name="request"/>.</summary>
    public static void WriteFrameHeader(OtlpEncodedRequest request, Span<byte> header)
    {
        header[0] = request.Gzip ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)request.Bytes.Length);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var header = new byte[FrameHeaderLength];
        WriteFrameHeader(_request, header);
        await stream.WriteAsync(header, cancellationToken);
        await stream.WriteAsync(_request.Bytes, cancellationToken);
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Span<byte> header = stackalloc byte[FrameHeaderLength];
        WriteFrameHeader(_request, header);
        stream.Write(header);
        stream.Write(_request.Bytes.Span);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = FrameHeaderLength + _request.Bytes.Length;
        return true;
    }
}
