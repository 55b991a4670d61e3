using System.Net;
using Grpc.Core;
using OpenTelemetry.Proto.Common.V1;
using Telemetry.TestKit.InfluxDb;

namespace Telemetry.IntegrationTests.Collector;

/// <summary>
/// Requests the collector must refuse, against the real collector and a real influxd: each gets the status the
/// OTLP specification asks for, nothing of it is stored, and a good request right after is answered OK and its
/// records are in InfluxDB (the collector keeps serving).
/// </summary>
public sealed class CollectorRefusalTests
{
    private const string Token = "e2e-token-1";
    private const int MaxRequestBytes = 4096;
    private const long T0 = 1_800_000_000_000_000_000;

    private const string Receiver =
        "  max_request_bytes: 4096\n  max_decompressed_bytes: 65536\n  auth:\n    bearer_tokens: [\"e2e-token-1\"]\n";

    public static TheoryData<string> HttpCases() => new()
    {
        "wrong_content_type", "missing_content_type", "unknown_content_encoding", "oversize", "oversize_chunked",
        "bad_gzip", "gzip_bomb", "missing_token", "wrong_token",
    };

    public static TheoryData<string> GrpcCases() => new()
    {
        "wrong_content_type", "oversize", "bad_gzip", "gzip_bomb", "missing_token", "wrong_token",
        "truncated_gzip", "concatenated_gzip", "gzip_bomb_lying_isize", "gzip_bomb_without_token",
    };

    private static byte[] Oversize()
    {
        var body = OtlpRequests.AccessLog(200, T0, pathPrefix: "/oversize/");
        Assert.True(body.Length > MaxRequestBytes, body.Length + " bytes");
        return body;
    }

    private static byte[] Bomb()
    {
        // A valid request (so only its size can be the reason) that inflates past max_decompressed_bytes.
        var inflated = OtlpRequests.AccessLog(1, T0, _ => new KeyValue { Key = "app.blob", Value = new AnyValue { StringValue = new string('a', 200_000) } }, "/bomb/");
        var bomb = OtlpRequests.Gzip(inflated);
        Assert.True(inflated.Length > 65536 && bomb.Length < MaxRequestBytes, inflated.Length + " -> " + bomb.Length);
        return bomb;
    }

    private static async Task<HttpResponseMessage> SendBadHttpAsync(HttpClient http, string name)
    {
        var good = OtlpRequests.AccessLog(3, T0, pathPrefix: "/refused/");
        switch (name)
        {
            case "wrong_content_type":
                return await OtlpRequests.PostAsync(http, good, Token, contentType: "text/plain");
            case "missing_content_type":
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = new ByteArrayContent(good) };
                request.Headers.Authorization = new("Bearer", Token);
                return await http.SendAsync(request);
            }

            case "unknown_content_encoding":
                return await OtlpRequests.PostAsync(http, good, Token, contentEncoding: "br");
            case "oversize":
                return await OtlpRequests.PostAsync(http, Oversize(), Token);
            case "oversize_chunked":
            {
                // No Content-Length: the limit must hold while reading, not only from the header.
                var content = new StreamContent(new MemoryStream(Oversize()));
                content.Headers.ContentType = new("application/x-protobuf");
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = content };
                request.Headers.Authorization = new("Bearer", Token);
                request.Headers.TransferEncodingChunked = true;
                return await http.SendAsync(request);
            }

            case "bad_gzip":
                return await OtlpRequests.PostAsync(http, good, Token, contentEncoding: "gzip");
            case "gzip_bomb":
                return await OtlpRequests.PostAsync(http, Bomb(), Token, contentEncoding: "gzip");
            case "missing_token":
                return await OtlpRequests.PostAsync(http, good, token: null);
            case "wrong_token":
                return await OtlpRequests.PostAsync(http, good, Token + "x");
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }
    }

    [Theory]
    [MemberData(nameof(HttpCases))]
    public async Task Refused_http_request_gets_its_status_and_the_next_good_request_is_stored(string name)
    {
        var expected = name switch
        {
            "wrong_content_type" or "missing_content_type" or "unknown_content_encoding" => HttpStatusCode.UnsupportedMediaType,
            "oversize" or "oversize_chunked" or "gzip_bomb" => HttpStatusCode.RequestEntityTooLarge,
            "bad_gzip" => HttpStatusCode.BadRequest,
            _ => HttpStatusCode.Unauthorized,
        };
        await using var influx = await InfluxDbServer.StartNewAsync();
        await using var collector = await CollectorHost.StartAsync(influx, receiverYaml: Receiver);
        using var http = new HttpClient { BaseAddress = collector.HttpAddress };

        HttpStatusCode status;
        using (var refused = await SendBadHttpAsync(http, name))
        {
            status = refused.StatusCode;
            Assert.Null(refused.Headers.RetryAfter); // none of these can succeed by sending the same again
            if (expected == HttpStatusCode.Unauthorized)
            {
                Assert.Equal("Bearer", Assert.Single(refused.Headers.WwwAuthenticate).Scheme);
            }
        }

        Assert.Equal(expected, status);
        using (var good = await OtlpRequests.PostAsync(http, OtlpRequests.AccessLog(2, T0 + 10_000), Token))
        {
            Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        }

        var paths = await StoredPathsAsync(influx, collector.Database);
        Assert.Equal(["/item/0", "/item/1"], paths);
    }

    [Theory]
    [MemberData(nameof(GrpcCases))]
    public async Task Refused_grpc_request_gets_its_status_and_the_next_good_request_is_stored(string name)
    {
        await using var influx = await InfluxDbServer.StartNewAsync();
        await using var collector = await CollectorHost.StartAsync(influx, receiverYaml: Receiver);
        using var channel = OtlpRequests.Channel(collector.GrpcAddress);
        var good = OtlpRequests.AccessLog(3, T0, pathPrefix: "/refused/");

        switch (name)
        {
            case "wrong_content_type":
            {
                // Not a gRPC request at all: ASP.NET Core gRPC answers 415 before any handler runs.
                var (http, grpc) = await OtlpRequests.PostFrameAsync(collector.GrpcAddress, good, null, Token, "application/json");
                Assert.Equal(HttpStatusCode.UnsupportedMediaType, http);
                Assert.NotEqual(StatusCode.OK, grpc ?? StatusCode.Internal);
                break;
            }

            case "oversize":
            {
                var e = await Assert.ThrowsAsync<RpcException>(() => OtlpRequests.ExportAsync(channel, Oversize(), Token));
                Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
                Assert.Null(OtlpRequests.RetryDelay(e)); // not retryable: the same message can never fit
                break;
            }

            case "bad_gzip":
            {
                var (_, grpc) = await OtlpRequests.PostFrameAsync(collector.GrpcAddress, good, "gzip", Token);
                Assert.Equal(StatusCode.InvalidArgument, grpc);
                break;
            }

            case "gzip_bomb":
            {
                var (_, grpc) = await OtlpRequests.PostFrameAsync(collector.GrpcAddress, Bomb(), "gzip", Token);
                Assert.Equal(StatusCode.ResourceExhausted, grpc);
                break;
            }

            case "truncated_gzip":
            {
                // Cut inside the trailer: every record is still in the deflate data, yet it is refused.
                var gzip = OtlpRequests.Gzip(good);
                var (_, grpc) = await OtlpRequests.PostFrameAsync(collector.GrpcAddress, gzip[..^3], "gzip", Token);
                Assert.Equal(StatusCode.InvalidArgument, grpc);
                break;
            }

            case "concatenated_gzip":
            {
                var gzip = OtlpRequests.Gzip(good);
                var (_, grpc) = await OtlpRequests.PostFrameAsync(collector.GrpcAddress, [.. gzip, .. gzip], "gzip", Token);
                Assert.Equal(StatusCode.InvalidArgument, grpc);
                break;
            }

            case "gzip_bomb_lying_isize":
            {
                // The trailer claims 10 bytes: the buffer starts small and is still capped at max_decompressed_bytes.
                var bomb = Bomb();
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bomb.AsSpan(bomb.Length - 4), 10);
                var (_, grpc) = await OtlpRequests.PostFrameAsync(collector.GrpcAddress, bomb, "gzip", Token);
                Assert.Equal(StatusCode.ResourceExhausted, grpc);
                break;
            }

            case "gzip_bomb_without_token":
            {
                var (_, grpc) = await OtlpRequests.PostFrameAsync(collector.GrpcAddress, Bomb(), "gzip", null);
                Assert.Equal(StatusCode.Unauthenticated, grpc);
                break;
            }

            case "missing_token":
            case "wrong_token":
            {
                var e = await Assert.ThrowsAsync<RpcException>(() =>
                    OtlpRequests.ExportAsync(channel, good, name == "wrong_token" ? "Xe2e-token-1" : null));
                Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
                Assert.Null(OtlpRequests.RetryDelay(e));
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }

        await OtlpRequests.ExportAsync(channel, OtlpRequests.AccessLog(2, T0 + 10_000), Token);
        var paths = await StoredPathsAsync(influx, collector.Database);
        Assert.Equal(["/item/0", "/item/1"], paths);
    }

    /// <summary>The path tag of every stored http_requests row, in time order.</summary>
    internal static async Task<List<string>> StoredPathsAsync(InfluxDbServer influx, string database)
    {
        var series = await influx.QueryAsync(database, "SELECT * FROM http_requests", "ns");
        var paths = new List<string>();
        foreach (var s in series)
        {
            foreach (var row in s.Rows())
            {
                paths.Add(row["path"].GetString()!);
            }
        }

        return paths;
    }
}
