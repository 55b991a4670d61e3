using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Telemetry.Collector.SelfMetrics;

/// <summary>
/// Listens to the <c>Telemetry.Collector</c> meter and aggregates every instrument per tag set:
/// counters as deltas per interval, up-down counters as running totals, gauges as last values,
/// histograms as count/sum/min/max and p50/p90/p99 over a bounded sample (at most
/// <see cref="MaxSamples"/> per series and interval, reservoir-sampled beyond). <see cref="Collect"/>
/// returns the interval's series and starts the next interval. Thread-safe.
/// </summary>
public sealed class MetricAggregator : IDisposable
{
    public const int MaxSamples = 2048;

    private readonly MeterListener _listener = new();
    private readonly object _gate = new();
    private readonly Dictionary<string, SeriesState> _series = new(StringComparer.Ordinal);
    private readonly object? _scope;

    /// <param name="scope">Only meters created by this <see cref="IMeterFactory"/> (or meters without a
    /// factory) are aggregated, so several collectors in one process (tests) do not mix.</param>
    public MetricAggregator(object? scope)
    {
        _scope = scope;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CollectorMeter.Name && (instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, _scope)))
            {
                listener.EnableMeasurementEvents(instrument, KindOf(instrument));
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, state) => Record(i, v, tags, state));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, state) => Record(i, v, tags, state));
        _listener.SetMeasurementEventCallback<short>((i, v, tags, state) => Record(i, v, tags, state));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, state) => Record(i, v, tags, state));
        _listener.SetMeasurementEventCallback<float>((i, v, tags, state) => Record(i, v, tags, state));
        _listener.Start();
    }

    private enum Kind
    {
        Counter,
        ObservableCounter,
        UpDownCounter,
        Gauge,
        Histogram,
    }

    /// <summary>Observes the observable instruments and returns every series of the interval that ends now.</summary>
    public IReadOnlyList<MetricSeries> Collect()
    {
        _listener.RecordObservableInstruments();
        lock (_gate)
        {
            var result = new List<MetricSeries>(_series.Count);
            foreach (var state in _series.Values)
            {
                switch (state.Kind)
                {
                    case Kind.Counter:
                        result.Add(new MetricSeries(state.Name, state.Tags, state.Value, null));
                        state.Value = 0;
                        break;
                    case Kind.ObservableCounter:
                        if (state.HasValue)
                        {
                            result.Add(new MetricSeries(state.Name, state.Tags, Math.Max(0, state.Value - state.Previous), null));
                            state.Previous = state.Value;
                        }

                        break;
                    case Kind.UpDownCounter:
                    case Kind.Gauge:
                        if (state.HasValue)
                        {
                            result.Add(new MetricSeries(state.Name, state.Tags, state.Value, null));
                        }

                        break;
                    case Kind.Histogram:
                        if (state.Count > 0)
                        {
                            result.Add(new MetricSeries(state.Name, state.Tags, 0, state.Summarize()));
                            state.ResetHistogram();
                        }

                        break;
                }
            }

            return result;
        }
    }

    public void Dispose() => _listener.Dispose();

    private static Kind KindOf(Instrument instrument)
    {
        var type = instrument.GetType();
        var name = type.IsGenericType ? type.GetGenericTypeDefinition().Name : type.Name;
        return name switch
        {
            "Counter`1" => Kind.Counter,
            "ObservableCounter`1" => Kind.ObservableCounter,
            "UpDownCounter`1" => Kind.UpDownCounter,
            "Histogram`1" => Kind.Histogram,
            _ => Kind.Gauge,
        };
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        where T : struct, IConvertible
    {
        var v = value.ToDouble(CultureInfo.InvariantCulture);
        var kind = state is Kind k ? k : Kind.Gauge;
        var key = SeriesKey(instrument, tags);
        lock (_gate)
        {
            if (!_series.TryGetValue(key, out var series))
            {
                series = new SeriesState(instrument.Name, kind, SortedTags(tags));
                _series[key] = series;
            }

            series.Add(v);
        }
    }

    private static string SeriesKey(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var sorted = SortedTags(tags);
        var builder = new StringBuilder(instrument.Name);
        foreach (var tag in sorted)
        {
            builder.Append('\u0001').Append(tag.Key).Append('\u0002').Append(tag.Value);
        }

        return builder.ToString();
    }

    private static KeyValuePair<string, string>[] SortedTags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            result[i] = new(tags[i].Key, Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? string.Empty);
        }

        Array.Sort(result, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return result;
    }

    private sealed class SeriesState
    {
        private readonly List<double> _samples = [];
        private long _seen;

        public SeriesState(string name, Kind kind, KeyValuePair<string, string>[] tags)
        {
            Name = name;
            Kind = kind;
            Tags = tags;
        }

        public string Name { get; }

        public Kind Kind { get; }

        public KeyValuePair<string, string>[] Tags { get; }

        public double Value { get; set; }

        public double Previous { get; set; }

        public bool HasValue { get; private set; }

        public long Count { get; private set; }

        private double Sum { get; set; }

        private double Min { get; set; } = double.PositiveInfinity;

        private double Max { get; set; } = double.NegativeInfinity;

        public void Add(double v)
        {
            HasValue = true;
            switch (Kind)
            {
                case Kind.Counter:
                case Kind.UpDownCounter:
                    Value += v;
                    break;
                case Kind.ObservableCounter:
                case Kind.Gauge:
                    Value = v;
                    break;
                case Kind.Histogram:
                    Count++;
                    Sum += v;
                    Min = Math.Min(Min, v);
                    Max = Math.Max(Max, v);
                    _seen++;
                    if (_samples.Count < MaxSamples)
                    {
                        _samples.Add(v);
                    }
                    else
                    {
                        var slot = Random.Shared.NextInt64(_seen);
                        if (slot < MaxSamples)
                        {
                            _samples[(int)slot] = v;
                        }
                    }

                    break;
            }
        }

        public HistogramSummary Summarize()
        {
            _samples.Sort();
            return new HistogramSummary(Count, Sum, Min, Max, Percentile(0.50), Percentile(0.90), Percentile(0.99));
        }

        public void ResetHistogram()
        {
            _samples.Clear();
            _seen = 0;
            Count = 0;
            Sum = 0;
            Min = double.PositiveInfinity;
            Max = double.NegativeInfinity;
        }

        private double Percentile(double q)
        {
            if (_samples.Count == 1)
            {
                return _samples[0];
            }

            var rank = q * (_samples.Count - 1);
            var low = (int)Math.Floor(rank);
            var high = Math.Min(low + 1, _samples.Count - 1);
            return _samples[low] + ((_samples[high] - _samples[low]) * (rank - low));
        }
    }
}
