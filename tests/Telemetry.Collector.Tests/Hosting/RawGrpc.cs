using Grpc.Core;
using Grpc.Net.Client;

namespace Telemetry.Collector.Tests.Hosting;

/// <summary>Calls the OTLP Export methods with raw bytes, the way any gRPC client would put them on the wire.</summary>
public static class RawGrpc
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(static b => b, static b => b);

    public static readonly Method<byte[], byte[]> LogsExport =
        new(MethodType.Unary, "opentelemetry.proto.collector.logs.v1.LogsService", "Export", Bytes, Bytes);

    public static readonly Method<byte[], byte[]> MetricsExport =
        new(MethodType.Unary, "opentelemetry.proto.collector.metrics.v1.MetricsService", "Export", Bytes, Bytes);

    public static GrpcChannel Channel(Uri address, HttpMessageHandler? handler = null, int? maxSend = null) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxSendMessageSize = maxSend,
            MaxRetryAttempts = 0,
        });

    public static async Task<(byte[] Response, Metadata Trailers)> ExportAsync(GrpcChannel channel, Method<byte[], byte[]> method, byte[] body,
        Metadata? headers = null)
    {
        var invoker = channel.CreateCallInvoker();
        using var call = invoker.AsyncUnaryCall(method, null, new CallOptions(headers, DateTime.UtcNow.AddSeconds(30)), body);
        var response = await call.ResponseAsync;
        return (response, call.GetTrailers());
    }

    /// <summary>Posts one gRPC frame built by hand (so the test controls compression) and returns grpc-status and grpc-message.</summary>
    public static async Task<(StatusCode Status, string? Message)> PostFrameAsync(Uri address, string path, byte[] payload, string? grpcEncoding, bool? compressedFlag = null)
    {
        using var client = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var frame = new byte[5 + payload.Length];
        frame[0] = compressedFlag ?? grpcEncoding is not null ? (byte)1 : (byte)0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, path)) {
            Content = new ByteArrayContent(frame),
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (grpcEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", grpcEncoding);
        }

        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var headers = response.TrailingHeaders.Concat(response.Headers).ToList();
        var status = headers.First(h => h.Key == "grpc-status").Value.First();
        var message = headers.FirstOrDefault(h => h.Key == "grpc-message").Value?.FirstOrDefault();
        return ((StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), message);
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>The google.rpc.Status in grpc-status-details-bin, or null.</summary>
    public static Google.Rpc.Status? Details(RpcException e)
    {
        var bytes = e.Trailers.GetValueBytes("grpc-status-details-bin");
        return bytes is null ? null : Google.Rpc.Status.Parser.ParseFrom(bytes);
    }

    public static TimeSpan? RetryDelay(RpcException e)
    {
        var status = Details(e);
        if (status is null)
        {
            return null;
        }

        foreach (var detail in status.Details)
        {
            if (detail.TryUnpack<Google.Rpc.RetryInfo>(out var retry))
            {
                return retry.RetryDelay.ToTimeSpan();
            }
        }

        return null;
    }
}
