namespace Telemetry.Collector.Receiving;

/// <summary>A read-only stream that yields <see cref="GzipPassThroughCompressionProvider.Marker"/> and then the
/// compressed message unchanged.</summary>
internal sealed class MarkedMessageStream : Stream
{
    private readonly Stream _message;
    private bool _markerRead;

    public MarkedMessageStream(Stream message)
    {
        _message = message;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (!_markerRead)
        {
            _markerRead = true;
            buffer[0] = GzipPassThroughCompressionProvider.Marker;
            return 1;
        }

        return _message.Read(buffer);
    }

    public override void CopyTo(Stream destination, int bufferSize)
    {
        // Grpc.AspNetCore copies into a fresh MemoryStream: size it once instead of letting it double.
        if (destination is MemoryStream memory && _message.CanSeek && !_markerRead)
        {
            memory.Capacity = checked((int)(memory.Length + 1 + _message.Length - _message.Position));
        }

        base.CopyTo(destination, bufferSize);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _message.Dispose();
        }

        base.Dispose(disposing);
    }
}
