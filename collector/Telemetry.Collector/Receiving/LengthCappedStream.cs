using Grpc.Core;

namespace Telemetry.Collector.Receiving;

/// <summary>A read-only stream that throws the exception built by a factory once more than a cap has been read.</summary>
internal sealed class LengthCappedStream : Stream
{
    private readonly Stream _inner;
    private readonly long _max;
    private readonly Func<long, Exception> _onExceeded;
    private long _read;

    public LengthCappedStream(Stream inner, long max, Func<long, Exception> onExceeded)
    {
        _inner = inner;
        _max = max;
        _onExceeded = onExceeded;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n;
        try
        {
            n = _inner.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw OtlpGrpcService.Failure(ExportAnswers.Invalid("message is not valid gzip: " + e.Message));
        }

        return Count(n);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n;
        try
        {
            n = await _inner.ReadAsync(buffer, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw OtlpGrpcService.Failure(ExportAnswers.Invalid("message is not valid gzip: " + e.Message));
        }

        return Count(n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

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
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int n)
    {
        _read += n;
        if (_read > _max)
        {
            throw _onExceeded(_max);
        }

        return n;
    }
}
