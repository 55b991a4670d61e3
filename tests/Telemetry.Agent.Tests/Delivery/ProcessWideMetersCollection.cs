namespace Telemetry.Agent.Tests.Delivery;

/// <summary>
/// A MeterProvider listens to every meter of a name in the process, so tests that read exported metric values
/// run alone: no other test's exporter may add to the same instruments meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMetersCollection
{
    public const string Name = "process-wide meters";
}
