namespace Telemetry.Collector.Pipeline;

/// <summary>Answers whether the store (InfluxDB) is reachable now; backs <c>/readyz</c>.</summary>
public interface IStorageProbe
{
    ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken);
}
