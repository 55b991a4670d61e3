using System.Diagnostics.Metrics;

namespace Telemetry.Agent.Tests.Tailing;

/// <summary>Sums one long counter of the agent's meters from now on.</summary>
internal sealed class MeterCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public MeterCounter(Meter meter, string instrument)
    {
        _listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter == meter && i.Name == instrument)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
