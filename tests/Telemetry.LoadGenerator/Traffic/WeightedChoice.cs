namespace Telemetry.LoadGenerator.Traffic;

/// <summary>Picks one of a fixed set of values by weight.</summary>
public sealed class WeightedChoice<T>
{
    private readonly T[] _values;
    private readonly double[] _cumulative;

    public WeightedChoice(IReadOnlyList<(T Value, double Weight)> entries)
    {
        ArgumentOutOfRangeException.ThrowIfZero(entries.Count);
        _values = new T[entries.Count];
        _cumulative = new double[entries.Count];
        double total = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(entries[i].Weight);
            total += entries[i].Weight;
            _values[i] = entries[i].Value;
            _cumulative[i] = total;
        }

        if (total <= 0)
        {
            throw new ArgumentException("at least one weight must be positive", nameof(entries));
        }

        for (var i = 0; i < _cumulative.Length; i++)
        {
            _cumulative[i] /= total;
        }
    }

    public T Next(Random random)
    {
        var u = random.NextDouble();
        for (var i = 0; i < _cumulative.Length; i++)
        {
            if (u < _cumulative[i])
            {
                return _values[i];
            }
        }

        return _values[^1];
    }
}
