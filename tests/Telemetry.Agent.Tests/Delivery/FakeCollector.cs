using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using Telemetry.TestKit;

namespace Telemetry.Agent.Tests.Delivery;

/// <summary>One Export call as the fake collector saw it (every attempt, whatever the scripted answer).</summary>
public sealed record ReceivedCall(
    byte[] Bytes,
    string? Authorization,
    string? GrpcEncoding,
    string? ClientCertificateSubject,
    long Timestamp);

/// <summary>
/// An in-process OTLP collector on a loopback port (Kestrel, HTTP/2, optional TLS and client certificates)
/// whose LogsService answers are scripted by the test; MetricsService requests are recorded.
/// </summary>
public sealed class FakeCollector : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeCollector(WebApplication app, string endpoint, FakeCollectorState state)
    {
        _app = app;
        Endpoint = endpoint;
        State = state;
    }

    public string Endpoint { get; }

    public FakeCollectorState State { get; }

    public ConcurrentQueue<ReceivedCall> Logs => State.Logs;

    /// <param name="serverCertificate">TLS when set; the endpoint is then https://localhost:port.</param>
    /// <param name="clientCa">When set, a client certificate issued by this CA is required.</param>
    /// <param name="port">A fixed port (to restart a collector on the same address).</param>
    public static async Task<FakeCollector> StartAsync(
        X509Certificate2? serverCertificate = null,
        X509Certificate2? clientCa = null,
        int? port = null)
    {
        // A free IPv4 port may be taken on ::1, or by a parallel test before we bind: try a few.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(serverCertificate, clientCa, port ?? FreePort.Get());
            }
            catch (IOException) when (attempt < 5)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task<FakeCollector> StartOnceAsync(
        X509Certificate2? serverCertificate,
        X509Certificate2? clientCa,
        int chosenPort)
    {
        var state = new FakeCollectorState();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(state);
        builder.Services.AddGrpc();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenLocalhost(chosenPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (serverCertificate is not null)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = serverCertificate;
                    if (clientCa is not null)
                    {
                        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                        https.ClientCertificateValidation = (certificate, _, _) => ChainsTo(certificate, clientCa);
                    }
                });
            }
        }));

        var app = builder.Build();
        app.MapGrpcService<FakeLogsService>();
        app.MapGrpcService<FakeMetricsService>();
        await app.StartAsync();
        var scheme = serverCertificate is null ? "http" : "https";
        return new FakeCollector(app, $"{scheme}://localhost:{chosenPort}", state);
    }

    public int Port => new Uri(Endpoint).Port;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}

/// <summary>What the fake collector received, and the answers it will give (in order; OK when empty).</summary>
public sealed class FakeCollectorState
{
    private readonly SemaphoreSlim _received = new(0);

    public ConcurrentQueue<ReceivedCall> Logs { get; } = new();

    public ConcurrentQueue<ExportMetricsServiceRequest> Metrics { get; } = new();

    public ConcurrentQueue<ReceivedCall> MetricCalls { get; } = new();

    public ConcurrentQueue<Func<ServerCallContext, Task<ExportLogsServiceResponse>>> Answers { get; } = new();

    public void Script(params Func<ServerCallContext, Task<ExportLogsServiceResponse>>[] answers)
    {
        foreach (var answer in answers)
        {
            Answers.Enqueue(answer);
        }
    }

    public void Record(ReceivedCall call)
    {
        Logs.Enqueue(call);
        _received.Release();
    }

    /// <summary>Waits until <paramref name="count"/> more log calls arrived (fails the test after <paramref name="timeout"/>).</summary>
    public async Task WaitForLogCallsAsync(int count, TimeSpan timeout)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(await _received.WaitAsync(timeout), $"collector saw only {i} of {count} expected calls");
        }
    }
}

/// <summary>Scripted answers.</summary>
public static class FakeAnswers
{
    public static Func<ServerCallContext, Task<ExportLogsServiceResponse>> Ok(long rejected = 0, string? message = null) =>
        _ => Task.FromResult(rejected == 0 && message is null
            ? new ExportLogsServiceResponse()
            : new ExportLogsServiceResponse
            {
                PartialSuccess = new ExportLogsPartialSuccess { RejectedLogRecords = rejected, ErrorMessage = message ?? "" },
            });

    public static Func<ServerCallContext, Task<ExportLogsServiceResponse>> Fail(
        StatusCode code, string detail, TimeSpan? retryDelay = null) =>
        _ => throw Exception(code, detail, retryDelay);

    public static Func<ServerCallContext, Task<ExportLogsServiceResponse>> Hang(TimeSpan duration) =>
        async context =>
        {
            await Task.Delay(duration, context.CancellationToken);
            return new ExportLogsServiceResponse();
        };

    public static RpcException Exception(StatusCode code, string detail, TimeSpan? retryDelay = null)
    {
        var trailers = new Metadata();
        if (retryDelay is { } delay)
        {
            var status = new Google.Rpc.Status { Code = (int)code, Message = detail };
            status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(new Google.Rpc.RetryInfo
            {
                RetryDelay = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(delay),
            }));
            trailers.Add("grpc-status-details-bin", status.ToByteArray());
        }

        return new RpcException(new Status(code, detail), trailers);
    }
}

internal sealed class FakeLogsService(FakeCollectorState state) : LogsService.LogsServiceBase
{
    public override Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context)
    {
        state.Record(Describe(request, context));
        return state.Answers.TryDequeue(out var answer) ? answer(context) : Task.FromResult(new ExportLogsServiceResponse());
    }

    internal static ReceivedCall Describe(IMessage request, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        return new ReceivedCall(
            request.ToByteArray(),
            http.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null,
            http.Request.Headers["grpc-encoding"].ToString() is { Length: > 0 } encoding ? encoding : null,
            http.Connection.ClientCertificate?.Subject,
            TimeProvider.System.GetTimestamp());
    }
}

internal sealed class FakeMetricsService(FakeCollectorState state) : MetricsService.MetricsServiceBase
{
    public override Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
    {
        state.MetricCalls.Enqueue(FakeLogsService.Describe(request, context));
        state.Metrics.Enqueue(request);
        return Task.FromResult(new ExportMetricsServiceResponse());
    }
}
