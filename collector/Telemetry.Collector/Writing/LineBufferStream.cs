namespace Telemetry.Collector.Writing;

/// <summary>A write-only <see cref="Stream"/> over a <see cref="LineBuffer"/>, so <c>GZipStream</c> can
/// compress into pooled memory.</summary>
internal sealed class LineBufferStream(LineBuffer buffer) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => buffer.Length;

    public override long Position
    {
        get => buffer.Length;
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer1, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer1, int offset, int count) => buffer.Write(buffer1.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> bytes) => buffer.Write(bytes);

    public override void WriteByte(byte value) => buffer.Write(value);
}
