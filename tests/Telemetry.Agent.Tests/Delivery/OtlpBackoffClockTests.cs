using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Proto.Collector.Logs.V1;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.Delivery;

namespace Telemetry.Agent.Tests.Delivery;

/// <summary>Backoff timing on a fake clock: no attempt happens before its delay has passed.</summary>
public sealed class OtlpBackoffClockTests
{
    [Fact]
    public async Task Next_attempt_waits_for_the_servers_retry_delay_on_the_clock()
    {
        var clock = new FakeTimeProvider();
        var invoker = new ScriptedInvoker(
            FakeAnswers.Exception(StatusCode.ResourceExhausted, "busy", TimeSpan.FromSeconds(10)),
            FakeAnswers.Exception(StatusCode.Unavailable, "down", TimeSpan.FromSeconds(5)));
        var exporter = Create(invoker, clock, new CollectorOptions());

        var export = exporter.ExportAsync(new byte[] { 0x0A, 0x00 }, 1, CancellationToken.None);
        await invoker.WaitForCallsAsync(1);
        clock.Advance(TimeSpan.FromSeconds(9.9));
        await Task.Delay(50);
        Assert.Equal(1, invoker.Calls);
        clock.Advance(TimeSpan.FromSeconds(0.1));
        await invoker.WaitForCallsAsync(2);
        clock.Advance(TimeSpan.FromSeconds(4.9));
        await Task.Delay(50);
        Assert.Equal(2, invoker.Calls);
        clock.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Equal(ExportAckStatus.Accepted, (await export.WaitAsync(TimeSpan.FromSeconds(10))).Status);
        Assert.Equal(3, invoker.Calls);
    }

    [Fact]
    public async Task Unauthenticated_is_retried_every_max_backoff_forever()
    {
        var clock = new FakeTimeProvider();
        var refusals = Enumerable.Range(0, 20).Select(_ => FakeAnswers.Exception(StatusCode.Unauthenticated, "bad token")).ToArray();
        var invoker = new ScriptedInvoker(refusals);
        var options = new CollectorOptions { MaxBackoff = TimeSpan.FromSeconds(30) };
        var exporter = Create(invoker, clock, options);

        var export = exporter.ExportAsync(new byte[] { 0x0A, 0x00 }, 1, CancellationToken.None);
        for (var i = 1; i <= 20; i++)
        {
            await invoker.WaitForCallsAsync(i);
            clock.Advance(TimeSpan.FromSeconds(29));
            await Task.Delay(10);
            Assert.Equal(i, invoker.Calls);
            Assert.False(export.IsCompleted);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(ExportAckStatus.Accepted, (await export.WaitAsync(TimeSpan.FromSeconds(10))).Status);
        Assert.Equal(21, invoker.Calls);
    }

    private static OtlpGrpcLogExporter Create(CallInvoker invoker, TimeProvider clock, CollectorOptions options) =>
        new(invoker, options, new OtlpBearerToken(options, clock, NullLogger<OtlpBearerToken>.Instance),
            new NullObserver(), clock, NullLogger<OtlpGrpcLogExporter>.Instance);

    private sealed class NullObserver : IExportObserver
    {
        public void AttemptCompleted(StatusCode status, TimeSpan duration)
        {
        }

        public void RetryScheduled(StatusCode status, OtlpFailureKind kind, TimeSpan delay, string message)
        {
        }
    }

    /// <summary>Answers calls with the given exceptions in order, then OK.</summary>
    private sealed class ScriptedInvoker(params RpcException[] failures) : CallInvoker
    {
        private readonly SemaphoreSlim _called = new(0);
        private int _calls;
        private int _seen;

        public int Calls => Volatile.Read(ref _calls);

        public async Task WaitForCallsAsync(int count)
        {
            while (_seen < count)
            {
                Assert.True(await _called.WaitAsync(TimeSpan.FromSeconds(10)), $"only {_seen} calls happened");
                _seen++;
            }
        }

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        {
            var index = Interlocked.Increment(ref _calls) - 1;
            _called.Release();
            var response = index < failures.Length
                ? Task.FromException<TResponse>(failures[index])
                : Task.FromResult((TResponse)(object)new ExportLogsServiceResponse());
            return new AsyncUnaryCall<TResponse>(
                response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException();
    }
}
