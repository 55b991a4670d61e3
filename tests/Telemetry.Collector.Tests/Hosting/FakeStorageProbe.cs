using Telemetry.Collector.Pipeline;

namespace Telemetry.Collector.Tests.Hosting;

public sealed class FakeStorageProbe : IStorageProbe
{
    public volatile bool Ready = true;

    public ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Ready);
}
