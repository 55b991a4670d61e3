using System.Diagnostics.Metrics;

namespace Telemetry.Agent.Tests.HostMetrics;

/// <summary>One observed measurement: instrument name, value, attributes.</summary>
internal sealed record RecordedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public string? Tag(string key) => Tags.TryGetValue(key, out var value) ? value?.ToString() : null;
}

/// <summary>Listens to one meter and collects what its observable instruments report on each <see cref="Collect"/>.</summary>
internal sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<RecordedMeasurement> _current = [];

    /// <param name="meterName">Meter to listen to.</param>
    /// <param name="scope">The IMeterFactory that created it, so parallel tests do not see each other's meters.</param>
    public MeasurementRecorder(string meterName, object scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
                InstrumentNames.Add(instrument.Name);
                Units[instrument.Name] = instrument.Unit;
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    public HashSet<string> InstrumentNames { get; } = [];

    public Dictionary<string, string?> Units { get; } = [];

    /// <summary>Observes every instrument once (one SDK collection) and returns what was reported.</summary>
    public List<RecordedMeasurement> Collect()
    {
        _current.Clear();
        _listener.RecordObservableInstruments();
        return [.. _current];
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dictionary = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            dictionary[tag.Key] = tag.Value;
        }

        _current.Add(new RecordedMeasurement(instrument.Name, value, dictionary));
    }

    public void Dispose() => _listener.Dispose();
}
