using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using LogRecord = OpenTelemetry.Proto.Logs.V1.LogRecord;
using Resource = OpenTelemetry.Proto.Resource.V1.Resource;

namespace Telemetry.IntegrationTests.Collector;

/// <summary>OTLP log export requests as bytes, sent the way any client puts them on the wire (gRPC, raw gRPC frames, OTLP/HTTP).</summary>
public static class OtlpRequests
{
    public const string LogsPath = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(static b => b, static b => b);

    public static readonly Method<byte[], byte[]> LogsExport =
        new(MethodType.Unary, "opentelemetry.proto.collector.logs.v1.LogsService", "Export", Bytes, Bytes);

    /// <summary><paramref name="records"/> access-log records (GET /item/{i} 200) from host web-1, one nanosecond apart.</summary>
    public static byte[] AccessLog(int records, long firstNanos, Func<int, KeyValue>? extra = null, string pathPrefix = "/item/")
    {
        var scope = new ScopeLogs();
        for (var i = 0; i < records; i++)
        {
            var record = new LogRecord
            {
                TimeUnixNano = (ulong)(firstNanos + i),
                Attributes =
                {
                    new KeyValue { Key = "http.request.method", Value = new AnyValue { StringValue = "GET" } },
                    new KeyValue { Key = "url.path", Value = new AnyValue { StringValue = pathPrefix + i } },
                    new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = 200 } },
                },
            };
            if (extra is not null)
            {
                record.Attributes.Add(extra(i));
            }

            scope.LogRecords.Add(record);
        }

        return new ExportLogsServiceRequest
        {
            ResourceLogs =
            {
                new ResourceLogs
                {
                    Resource = new Resource
                    {
                        Attributes =
                        {
                            new KeyValue { Key = "host.name", Value = new AnyValue { StringValue = "web-1" } },
                            new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "nginx" } },
                        },
                    },
                    ScopeLogs = { scope },
                },
            },
        }.ToByteArray();
    }

    public static GrpcChannel Channel(Uri address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxRetryAttempts = 0 });

    public static async Task<byte[]> ExportAsync(GrpcChannel channel, byte[] body, string? token = null, CancellationToken cancellationToken = default)
    {
        var headers = token is null ? null : new Metadata { { "authorization", "Bearer " + token } };
        using var call = channel.CreateCallInvoker().AsyncUnaryCall(LogsExport, null,
            new CallOptions(headers, DateTime.UtcNow.AddSeconds(60), cancellationToken), body);
        return await call.ResponseAsync;
    }

    /// <summary>POST /v1/logs with a protobuf body; returns the response (caller disposes).</summary>
    public static Task<HttpResponseMessage> PostAsync(HttpClient http, byte[] body, string? token = null,
        string contentType = "application/x-protobuf", string? contentEncoding = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (contentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(contentEncoding);
        }

        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http.SendAsync(request);
    }

    /// <summary>One gRPC frame built by hand (compressed flag, grpc-encoding, content type under the test's control)
    /// over HTTP/2; returns the HTTP status and grpc-status (null when the server did not answer with gRPC).</summary>
    public static async Task<(HttpStatusCode Http, StatusCode? Grpc)> PostFrameAsync(Uri address, byte[] payload, string? grpcEncoding,
        string? token, string contentType = "application/grpc")
    {
        using var client = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var frame = new byte[5 + payload.Length];
        frame[0] = grpcEncoding is null ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, LogsPath))
        {
            Content = new ByteArrayContent(frame),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (grpcEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", grpcEncoding);
        }

        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("authorization", "Bearer " + token);
        }

        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var status = response.TrailingHeaders.Concat(response.Headers)
            .Where(h => h.Key == "grpc-status").Select(h => h.Value.First()).FirstOrDefault();
        return (response.StatusCode, status is null ? null : (StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture));
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>The RetryInfo delay in grpc-status-details-bin, or null when there is none.</summary>
    public static TimeSpan? RetryDelay(RpcException e)
    {
        var bytes = e.Trailers.GetValueBytes("grpc-status-details-bin");
        if (bytes is null)
        {
            return null;
        }

        foreach (var detail in Google.Rpc.Status.Parser.ParseFrom(bytes).Details)
        {
            if (detail.TryUnpack<Google.Rpc.RetryInfo>(out var retry))
            {
                return retry.RetryDelay.ToTimeSpan();
            }
        }

        return null;
    }
}
