using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using Telemetry.Collector.Pipeline;
using Telemetry.Collector.Tests.Hosting;

namespace Telemetry.Collector.Tests.Receiving;

public sealed class HttpReceiverTests
{
    private static ByteArrayContent Protobuf(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<Google.Rpc.Status> ProtobufStatus(HttpResponseMessage response)
    {
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        return Google.Rpc.Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task OpenTelemetry_sdk_log_exporter_over_http_protobuf_reaches_the_pipeline()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using (var loggerFactory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel =>
               {
                   otel.IncludeFormattedMessage = true;
                   otel.AddOtlpExporter((exporter, processor) =>
                   {
                       exporter.Endpoint = new Uri(collector.HttpAddress, "/v1/logs");
                       exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                       processor.ExportProcessorType = OpenTelemetry.ExportProcessorType.Simple;
                   });
               })))
        {
            loggerFactory.CreateLogger("sdk-test").LogError("status {Status} for {Vhost}", 503, "www.example.org");
        }

        var body = Assert.Single(collector.Pipeline.Logs);
        var record = Assert.Single(ExportLogsServiceRequest.Parser.ParseFrom(body).ResourceLogs.SelectMany(r => r.ScopeLogs).SelectMany(s => s.LogRecords));
        Assert.Equal("status 503 for www.example.org", record.Body.StringValue);
        Assert.Contains(record.Attributes, a => a.Key == "Status" && a.Value.IntValue == 503);
    }

    [Fact]
    public async Task Protobuf_body_reaches_the_pipeline_unchanged_and_success_is_an_empty_response()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };
        var logs = OtlpSamples.LogsBytes(3);
        var metrics = OtlpSamples.Metrics().ToByteArray();

        using var logsResponse = await client.PostAsync("/v1/logs", Protobuf(logs));
        using var metricsResponse = await client.PostAsync("/v1/metrics", Protobuf(metrics));

        Assert.Equal(HttpStatusCode.OK, logsResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metricsResponse.StatusCode);
        Assert.Equal("application/x-protobuf", logsResponse.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await logsResponse.Content.ReadAsByteArrayAsync());
        Assert.Equal(logs, Assert.Single(collector.Pipeline.Logs));
        Assert.Equal(metrics, Assert.Single(collector.Pipeline.Metrics));
    }

    [Fact]
    public async Task Json_with_hex_ids_enum_names_and_string_int64_becomes_the_same_protobuf()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };
        const string body = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"host.name","value":{"stringValue":"web-1"}}]},
              "scopeLogs":[{"scope":{"name":"test"},"logRecords":[
                {"timeUnixNano":"1700000000000000000","severityNumber":"SEVERITY_NUMBER_INFO","severityText":"INFO",
                 "body":{"stringValue":"GET /index.html \"quoted\" \u00fc 0"},
                 "traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"eee19b7ec3c1b174",
                 "attributes":[{"key":"http.request.method","value":{"stringValue":"GET"}},
                               {"key":"http.response.status_code","value":{"intValue":"200"}}],
                 "unknownFutureField":{"x":1}},
                {"timeUnixNano":1700000000000000001,"severityNumber":9,"severityText":"INFO",
                 "body":{"stringValue":"GET /index.html \"quoted\" ü 1"},
                 "trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174",
                 "attributes":[{"key":"http.request.method","value":{"stringValue":"GET"}},
                               {"key":"http.response.status_code","value":{"intValue":200}}]}]}]}]}
            """;

        using var response = await client.PostAsync("/v1/logs", Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new ExportLogsServiceResponse(), ExportLogsServiceResponse.Parser.ParseJson(await response.Content.ReadAsStringAsync()));
        var received = ExportLogsServiceRequest.Parser.ParseFrom(Assert.Single(collector.Pipeline.Logs));
        Assert.Equal(OtlpSamples.Logs(2), received);
    }

    [Theory]
    [InlineData("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"traceId\":\"not-hex\"}]}]}]}", "not hex")]
    [InlineData("{\"resourceLogs\":[", "invalid")]
    [InlineData("\u0000\u0001garbage", "invalid")]
    [InlineData("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"soon\"}]}]}]}", "invalid")]
    public async Task Undecodable_json_is_400_with_a_json_status(string body, string expected)
    {
        await using var collector = await CollectorFixture.StartAsync();
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };

        using var response = await client.PostAsync("/v1/logs", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var status = Google.Rpc.Status.Parser.ParseJson(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)Grpc.Core.StatusCode.InvalidArgument, status.Code);
        Assert.Contains(expected, status.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, collector.Pipeline.Calls);
    }

    [Fact]
    public async Task Partial_success_is_200_with_counts_in_protobuf_and_json()
    {
        await using var collector = await CollectorFixture.StartAsync();
        collector.Pipeline.Answer = _ => ExportResult.Partial(2, "2 records had a type conflict");
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };

        using var protobuf = await client.PostAsync("/v1/logs", Protobuf(OtlpSamples.LogsBytes()));
        using var json = await client.PostAsync("/v1/metrics", Json("{}"));

        Assert.Equal(HttpStatusCode.OK, protobuf.StatusCode);
        var partial = ExportLogsServiceResponse.Parser.ParseFrom(await protobuf.Content.ReadAsByteArrayAsync()).PartialSuccess;
        Assert.Equal(2, partial.RejectedLogRecords);
        Assert.Equal("2 records had a type conflict", partial.ErrorMessage);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        var text = await json.Content.ReadAsStringAsync();
        Assert.Contains("\"rejectedDataPoints\": \"2\"", text);
        Assert.Equal(2, ExportMetricsServiceResponse.Parser.ParseJson(text).PartialSuccess.RejectedDataPoints);
    }

    [Fact]
    public async Task Storage_down_is_503_with_Retry_After_and_RetryInfo()
    {
        await using var collector = await CollectorFixture.StartAsync();
        collector.Pipeline.Answer = _ => ExportResult.Unavailable("influxdb unreachable", TimeSpan.FromMilliseconds(2500));
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };

        using var response = await client.PostAsync("/v1/logs", Protobuf(OtlpSamples.LogsBytes()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        var status = await ProtobufStatus(response);
        Assert.Equal((int)Grpc.Core.StatusCode.Unavailable, status.Code);
        Assert.True(status.Details.Single().TryUnpack<Google.Rpc.RetryInfo>(out var retry));
        Assert.Equal(TimeSpan.FromMilliseconds(2500), retry.RetryDelay.ToTimeSpan());
    }

    [Fact]
    public async Task Overload_is_429_with_Retry_After()
    {
        await using var collector = await CollectorFixture.StartAsync();
        collector.Pipeline.Answer = _ => ExportResult.Overloaded("write queue full", TimeSpan.FromSeconds(4));
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };

        using var response = await client.PostAsync("/v1/metrics", Json("{}"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(4), response.Headers.RetryAfter?.Delta);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("type.googleapis.com/google.rpc.RetryInfo", text);
        Assert.Contains("write queue full", text);
    }

    [Fact]
    public async Task Invalid_protobuf_answer_from_the_pipeline_is_400()
    {
        await using var collector = await CollectorFixture.StartAsync();
        collector.Pipeline.Answer = _ => ExportResult.Invalid("truncated message");
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };

        using var response = await client.PostAsync("/v1/logs", Protobuf(OtlpSamples.LogsBytes()[..10]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.RetryAfter);
        Assert.Equal("truncated message", (await ProtobufStatus(response)).Message);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/grpc")]
    [InlineData("application/xml")]
    public async Task Wrong_content_type_is_415(string contentType)
    {
        await using var collector = await CollectorFixture.StartAsync();
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };
        var content = new ByteArrayContent(OtlpSamples.LogsBytes());
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        using var response = await client.PostAsync("/v1/logs", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(0, collector.Pipeline.Calls);
    }

    [Fact]
    public async Task Unknown_content_encoding_is_415()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };
        var content = Protobuf(OtlpSamples.LogsBytes());
        content.Headers.ContentEncoding.Add("br");

        using var response = await client.PostAsync("/v1/logs", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Gzip_and_deflate_bodies_are_inflated_before_the_pipeline()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };
        var logs = OtlpSamples.LogsBytes(20);
        var gzip = Protobuf(RawGrpc.Gzip(logs));
        gzip.Headers.ContentEncoding.Add("gzip");
        using var zlibStream = new MemoryStream();
        using (var z = new ZLibStream(zlibStream, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(logs);
        }

        var deflate = Protobuf(zlibStream.ToArray());
        deflate.Headers.ContentEncoding.Add("deflate");

        using var r1 = await client.PostAsync("/v1/logs", gzip);
        using var r2 = await client.PostAsync("/v1/logs", deflate);

        Assert.Equal(HttpStatusCode.OK, r1.StatusCode);
        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
        Assert.All(collector.Pipeline.Logs, body => Assert.Equal(logs, body));
        Assert.Equal(2, collector.Pipeline.Calls);
    }

    [Fact]
    public async Task Bad_gzip_is_400_and_a_gzip_bomb_is_413()
    {
        await using var collector = await CollectorFixture.StartAsync("  max_request_bytes: 4096\n  max_decompressed_bytes: 65536\n");
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };
        var bad = Protobuf([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7]);
        bad.Headers.ContentEncoding.Add("gzip");
        var bomb = Protobuf(RawGrpc.Gzip(new byte[2_000_000]));
        bomb.Headers.ContentEncoding.Add("gzip");

        using var badResponse = await client.PostAsync("/v1/logs", bad);
        using var bombResponse = await client.PostAsync("/v1/logs", bomb);

        Assert.Equal(HttpStatusCode.BadRequest, badResponse.StatusCode);
        Assert.Contains("gzip", (await ProtobufStatus(badResponse)).Message);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bombResponse.StatusCode);
        Assert.Contains("max_decompressed_bytes", (await ProtobufStatus(bombResponse)).Message);
        Assert.Equal(0, collector.Pipeline.Calls);
    }

    public static TheoryData<string> MalformedGzipCases() => new(GzipSamples.Malformed);

    [Theory]
    [MemberData(nameof(MalformedGzipCases))]
    public async Task Malformed_gzip_body_is_400_and_the_server_keeps_serving(string malformed)
    {
        await using var collector = await CollectorFixture.StartAsync("  max_request_bytes: 4096\n  max_decompressed_bytes: 65536\n");
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };
        var logs = OtlpSamples.LogsBytes(5);
        var bad = Protobuf(GzipSamples.Build(malformed, logs));
        bad.Headers.ContentEncoding.Add("gzip");
        var good = Protobuf(GzipSamples.Gzip(logs));
        good.Headers.ContentEncoding.Add("gzip");

        using var badResponse = await client.PostAsync("/v1/logs", bad);
        using var goodResponse = await client.PostAsync("/v1/logs", good);

        Assert.Equal(HttpStatusCode.BadRequest, badResponse.StatusCode);
        Assert.Contains("gzip", (await ProtobufStatus(badResponse)).Message);
        Assert.Equal(HttpStatusCode.OK, goodResponse.StatusCode);
        Assert.Equal(logs, Assert.Single(collector.Pipeline.Logs));
    }

    [Fact]
    public async Task Truncated_deflate_body_is_400_not_a_shorter_message()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };
        var zlib = GzipSamples.Zlib(OtlpSamples.LogsBytes(20));
        var truncated = Protobuf(zlib[..(zlib.Length / 2)]);
        truncated.Headers.ContentEncoding.Add("deflate");

        using var response = await client.PostAsync("/v1/logs", truncated);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("truncated", (await ProtobufStatus(response)).Message);
        Assert.Equal(0, collector.Pipeline.Calls);
    }

    [Fact]
    public async Task Oversize_body_is_413_with_or_without_content_length_and_the_server_keeps_serving()
    {
        await using var collector = await CollectorFixture.StartAsync("  max_request_bytes: 4096\n");
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };
        var big = new byte[4097];

        using var declared = await client.PostAsync("/v1/logs", Protobuf(big));
        var chunked = new StreamContent(new NonSeekableStream(big));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var streamed = await client.PostAsync("/v1/logs", chunked);
        using var fits = await client.PostAsync("/v1/logs", Protobuf(new byte[4096]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Null(declared.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        Assert.Equal(1, collector.Pipeline.Calls);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer nope")]
    [InlineData("bearer ")]
    [InlineData("Token tok-A")]
    public async Task Missing_or_wrong_token_is_401_and_the_right_one_is_accepted(string? authorization)
    {
        await using var collector = await CollectorFixture.StartAsync("  auth:\n    bearer_tokens: [\"tok-A\"]\n");
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };
        using var refused = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = Protobuf(OtlpSamples.LogsBytes()) };
        if (authorization is not null)
        {
            refused.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var refusedResponse = await client.SendAsync(refused);
        using var accepted = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = Protobuf(OtlpSamples.LogsBytes()) };
        accepted.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "tok-A");
        using var acceptedResponse = await client.SendAsync(accepted);

        Assert.Equal(HttpStatusCode.Unauthorized, refusedResponse.StatusCode);
        Assert.Equal("Bearer", refusedResponse.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal((int)Grpc.Core.StatusCode.Unauthenticated, (await ProtobufStatus(refusedResponse)).Code);
        Assert.Equal(HttpStatusCode.OK, acceptedResponse.StatusCode);
        Assert.Equal(1, collector.Pipeline.Calls);
    }

    [Fact]
    public async Task Tokens_from_bearer_token_file_are_accepted()
    {
        using var dir = new Telemetry.TestKit.TempDirectory();
        var file = dir.Combine("tokens");
        await File.WriteAllTextAsync(file, "# rotated 2026-11\nold-token\n\nnew-token\n");
        await using var collector = await CollectorFixture.StartAsync($"  auth:\n    bearer_token_file: \"{file}\"\n");
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };

        foreach (var token in new[] { "old-token", "new-token", "# rotated 2026-11" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = Protobuf(OtlpSamples.LogsBytes()) };
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            using var response = await client.SendAsync(request);
            Assert.Equal(token.StartsWith('#') ? HttpStatusCode.Unauthorized : HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Get_on_an_export_path_and_unknown_paths_are_not_found()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };

        using var get = await client.GetAsync("/v1/logs");
        using var traces = await client.PostAsync("/v1/traces", Protobuf([]));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, traces.StatusCode);
        Assert.Equal(0, collector.Pipeline.Calls);
    }

    /// <summary>Forces chunked transfer (no Content-Length).</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
