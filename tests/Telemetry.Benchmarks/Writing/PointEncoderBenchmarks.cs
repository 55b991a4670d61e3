using BenchmarkDotNet.Attributes;
using Telemetry.Collector.Writing;

namespace Telemetry.Benchmarks.Writing;

/// <summary>Encoding <c>http_requests</c> points into line protocol: points/s and allocations per point.
/// Run: <c>dotnet run -c Release --project tests/Telemetry.Benchmarks -- --filter *PointEncoder*</c>.</summary>
[MemoryDiagnoser]
public class PointEncoderBenchmarks
{
    private const int PointsPerOp = 1000;
    private LineBuffer _buffer = null!;
    private PointEncoder _encoder = null!;

    [GlobalSetup]
    public void Setup()
    {
        _buffer = new LineBuffer(PointsPerOp * 512);
        _encoder = new PointEncoder(_buffer);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _encoder.Dispose();
        _buffer.Dispose();
    }

    /// <summary>1000 realistic points (8 tags, 8 fields, ~400 bytes each) per operation.</summary>
    [Benchmark(OperationsPerInvoke = PointsPerOp)]
    public int EncodeHttpRequestPoint()
    {
        _buffer.Clear();
        for (var i = 0; i < PointsPerOp; i++)
        {
            HttpRequestPoints.Encode(_encoder, i, 1_700_000_000_000_000_000 + i);
        }

        return _buffer.Length;
    }

    /// <summary>The same with awkward values: escapes in every position and a tag value that becomes a field.</summary>
    [Benchmark(OperationsPerInvoke = PointsPerOp)]
    public int EncodeEscapeHeavyPoint()
    {
        _buffer.Clear();
        for (var i = 0; i < PointsPerOp; i++)
        {
            _encoder.Begin("http requests,x"u8);
            _encoder.Tag("vhost"u8, "C:\\sites\\shop, main="u8);
            _encoder.Tag("dir"u8, "C:\\logs\\"u8);
            _encoder.Field("path"u8, "/a \"quoted\" \\ path, with=signs"u8);
            _encoder.Field("status_code"u8, 404L);
            _encoder.End(1_700_000_000_000_000_000 + i);
        }

        return _buffer.Length;
    }
}
