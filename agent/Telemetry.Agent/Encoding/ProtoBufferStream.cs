namespace Telemetry.Agent.Encoders;

/// <summary>A write-only stream appending to a <see cref="ProtoBuffer"/> (pooled memory), e.g. as the output of a
/// compressor. Does not own the output.</summary>
public sealed class ProtoBufferStream(ProtoBuffer output) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => output.Length;

    public override long Position
    {
        get => output.Length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => output.WriteRaw(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => output.WriteRaw(buffer);

    public override void WriteByte(byte value) => output.WriteRaw([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        output.WriteRaw(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        output.WriteRaw(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
