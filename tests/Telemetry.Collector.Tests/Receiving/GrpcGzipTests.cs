using Grpc.Core;
using Telemetry.Collector.Tests.Hosting;

namespace Telemetry.Collector.Tests.Receiving;

/// <summary><c>grpc-encoding: gzip</c>: what an agent or an attacker sends, and what the collector answers.</summary>
public sealed class GrpcGzipTests
{
    private const string LogsPath = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";
    private const string Limits = "  max_request_bytes: 4096\n  max_decompressed_bytes: 65536\n";

    public static TheoryData<string> MalformedCases() => new(GzipSamples.Malformed);

    [Fact]
    public async Task Gzip_message_with_a_file_name_and_comment_in_its_header_reaches_the_pipeline_inflated()
    {
        await using var collector = await CollectorFixture.StartAsync(Limits);
        var logs = OtlpSamples.LogsBytes(5);

        var (status, message) = await RawGrpc.PostFrameAsync(collector.GrpcAddress, LogsPath, GzipSamples.GzipWithNameAndComment(logs), "gzip");

        Assert.True(status == StatusCode.OK, message);
        Assert.Equal(logs, Assert.Single(collector.Pipeline.Logs));
    }

    [Fact]
    public async Task Gzip_message_over_max_request_bytes_once_inflated_is_accepted_under_max_decompressed_bytes()
    {
        await using var collector = await CollectorFixture.StartAsync(Limits);
        var logs = OtlpSamples.LogsBytes(100);
        var compressed = GzipSamples.Gzip(logs);
        Assert.True(logs.Length is > 4096 and <= 65536 && compressed.Length < 4096, $"{logs.Length} bytes, {compressed.Length} compressed");

        var (status, message) = await RawGrpc.PostFrameAsync(collector.GrpcAddress, LogsPath, compressed, "gzip");

        Assert.True(status == StatusCode.OK, message);
        Assert.Equal(logs, Assert.Single(collector.Pipeline.Logs));
    }

    [Theory]
    [MemberData(nameof(MalformedCases))]
    public async Task Malformed_gzip_is_INVALID_ARGUMENT_and_the_collector_keeps_serving(string malformed)
    {
        await using var collector = await CollectorFixture.StartAsync(Limits);
        var logs = OtlpSamples.LogsBytes(5);

        var (status, message) = await RawGrpc.PostFrameAsync(collector.GrpcAddress, LogsPath, GzipSamples.Build(malformed, logs), "gzip");

        Assert.True(status == StatusCode.InvalidArgument, $"{status}: {message}");
        Assert.Contains("gzip", message);
        Assert.Equal(0, collector.Pipeline.Calls);
        (status, message) = await RawGrpc.PostFrameAsync(collector.GrpcAddress, LogsPath, GzipSamples.Gzip(logs), "gzip");
        Assert.True(status == StatusCode.OK, message);
        Assert.Equal(logs, Assert.Single(collector.Pipeline.Logs));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(100u)]
    [InlineData(uint.MaxValue)]
    public async Task Gzip_bomb_is_RESOURCE_EXHAUSTED_whatever_its_trailer_claims(uint? isize)
    {
        await using var collector = await CollectorFixture.StartAsync(Limits);
        var bomb = GzipSamples.Gzip(new byte[1_000_000]);
        if (isize is { } claimed)
        {
            bomb = GzipSamples.WithIsize(bomb, claimed);
        }

        var (status, message) = await RawGrpc.PostFrameAsync(collector.GrpcAddress, LogsPath, bomb, "gzip");

        Assert.True(status == StatusCode.ResourceExhausted, $"{status}: {message}");
        Assert.Contains("max_decompressed_bytes", message);
        Assert.Equal(0, collector.Pipeline.Calls);
        (status, message) = await RawGrpc.PostFrameAsync(collector.GrpcAddress, LogsPath, GzipSamples.Gzip(OtlpSamples.LogsBytes(5)), "gzip");
        Assert.True(status == StatusCode.OK, message);
    }

    [Fact]
    public async Task Gzip_bomb_without_a_token_is_UNAUTHENTICATED_not_inflated()
    {
        await using var collector = await CollectorFixture.StartAsync(Limits + "  auth:\n    bearer_tokens: [\"s3cret-token-1\"]\n");
        var bomb = GzipSamples.Gzip(new byte[1_000_000]);

        var (status, message) = await RawGrpc.PostFrameAsync(collector.GrpcAddress, LogsPath, bomb, "gzip");

        // Inflated, it would have been RESOURCE_EXHAUSTED (see above): the token is checked first.
        Assert.True(status == StatusCode.Unauthenticated, $"{status}: {message}");
        Assert.Equal(0, collector.Pipeline.Calls);
    }

    [Fact]
    public async Task Uncompressed_message_on_a_gzip_stream_is_taken_as_it_is()
    {
        await using var collector = await CollectorFixture.StartAsync(Limits);
        var logs = OtlpSamples.LogsBytes(5);

        // grpc-encoding: gzip announced, but this message's compressed flag is 0.
        var (status, message) = await RawGrpc.PostFrameAsync(collector.GrpcAddress, LogsPath, logs, "gzip", compressedFlag: false);

        Assert.True(status == StatusCode.OK, message);
        Assert.Equal(logs, Assert.Single(collector.Pipeline.Logs));
    }
}
