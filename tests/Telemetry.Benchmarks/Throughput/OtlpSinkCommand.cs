using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Telemetry.Benchmarks.Throughput;

/// <summary>
/// <c>dotnet run -c Release --project tests/Telemetry.Benchmarks -- otlp-sink --port P --expect N</c>: an OTLP/gRPC
/// endpoint (h2c on 127.0.0.1) that acknowledges every <c>LogsService/Export</c> at once and counts its records
/// from the raw protobuf (gzip or identity), so the agent's throughput is measured, not a collector's. Answers every
/// other OTLP service (the agent's own metrics) with an empty success. Prints on stdout:
/// <c>listening</c> once ready, <c>progress</c> once a second, <c>complete records=N unix=S.NNN</c> when the N-th
/// record has arrived, and on SIGTERM <c>final records= distinct= malformed= log_requests= other_requests= bad_requests=</c>
/// (distinct counts distinct <c>time_unix_nano</c>: the agent gives every line its own nanosecond).
/// </summary>
public static class OtlpSinkCommand
{
    private const string LogsPath = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var port = 4317;
        long expect = 0;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Length:
                    port = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--expect" when i + 1 < args.Length:
                    expect = long.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    await output.WriteLineAsync("usage: otlp-sink --port P --expect N").ConfigureAwait(false);
                    return 2;
            }
        }

        var tally = new LogRecordTally((int)Math.Min(expect, 50_000_000));
        long otherRequests = 0;
        long badRequests = 0;
        var completed = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        app.Run(async context =>
        {
            var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
            try
            {
                if (context.Request.Path.Value == LogsPath)
                {
                    var total = Count(tally, body.Span, context.Request.Headers["grpc-encoding"].ToString());
                    if (total < 0)
                    {
                        Interlocked.Increment(ref badRequests);
                        await AnswerAsync(context.Response, grpcStatus: 3).ConfigureAwait(false);
                        return;
                    }

                    if (expect > 0 && total >= expect && Interlocked.Exchange(ref completed, 1) == 0)
                    {
                        var unix = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
                        lock (output)
                        {
                            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"complete records={total} unix={unix:F3}"));
                            output.Flush();
                        }
                    }
                }
                else
                {
                    Interlocked.Increment(ref otherRequests);
                }

                await AnswerAsync(context.Response, grpcStatus: 0).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(body.Array);
            }
        });

        await app.StartAsync().ConfigureAwait(false);
        lock (output)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"listening port={port} expect={expect}"));
            output.Flush();
        }

        var stopping = app.Lifetime.ApplicationStopping;
        long last = -1;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var records = tally.Records;
            if (records != last)
            {
                last = records;
                lock (output)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress records={records} log_requests={tally.Requests}"));
                    output.Flush();
                }
            }
        }

        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        var final = string.Create(CultureInfo.InvariantCulture,
            $"final records={tally.Records} distinct={tally.Distinct()} malformed={tally.Malformed} log_requests={tally.Requests} other_requests={Interlocked.Read(ref otherRequests)} bad_requests={Interlocked.Read(ref badRequests)}");
        lock (output)
        {
            output.WriteLine(final);
            output.Flush();
        }

        await app.DisposeAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>Counts the records of a one-message gRPC body (5-byte prefix: compressed flag, big-endian length); -1 when it is not one.</summary>
    private static long Count(LogRecordTally tally, ReadOnlySpan<byte> body, string encoding)
    {
        if (body.Length < 5 || BinaryPrimitives.ReadUInt32BigEndian(body[1..5]) != body.Length - 5)
        {
            return -1;
        }

        var message = body[5..];
        if (body[0] == 0)
        {
            return tally.Add(message);
        }

        if (encoding != "gzip")
        {
            return -1;
        }

        using var compressed = new MemoryStream(message.ToArray());
        using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gzip.CopyTo(plain);
        return tally.Add(plain.GetBuffer().AsSpan(0, (int)plain.Length));
    }

    private static async Task<PooledBody> ReadBodyAsync(HttpRequest request)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, filled).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = bigger;
            }

            var read = await request.Body.ReadAsync(buffer.AsMemory(filled)).ConfigureAwait(false);
            if (read == 0)
            {
                return new PooledBody(buffer, filled);
            }

            filled += read;
        }
    }

    private static async Task AnswerAsync(HttpResponse response, int grpcStatus)
    {
        response.StatusCode = 200;
        response.ContentType = "application/grpc";
        if (grpcStatus == 0)
        {
            // An empty Export*ServiceResponse: uncompressed flag, length 0.
            await response.Body.WriteAsync(new byte[5]).ConfigureAwait(false);
        }

        response.AppendTrailer("grpc-status", grpcStatus.ToString(CultureInfo.InvariantCulture));
    }

    private readonly record struct PooledBody(byte[] Array, int Length)
    {
        public ReadOnlySpan<byte> Span => Array.AsSpan(0, Length);
    }
}
