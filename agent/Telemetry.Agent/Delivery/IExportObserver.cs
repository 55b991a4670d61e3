using Grpc.Core;

namespace Telemetry.Agent.Delivery;

/// <summary>
/// What the exporter tells the agent's self-telemetry: every attempt (its gRPC status and how long it took)
/// and every retry it schedules. Implementations must be cheap and must not throw.
/// </summary>
public interface IExportObserver
{
    void AttemptCompleted(StatusCode status, TimeSpan duration);

    void RetryScheduled(StatusCode status, OtlpFailureKind kind, TimeSpan delay, string message);
}
