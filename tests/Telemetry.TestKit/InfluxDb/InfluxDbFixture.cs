using Xunit;

namespace Telemetry.TestKit.InfluxDb;

/// <summary>
/// One influxd shared by the test classes of an xUnit collection. xUnit wants the collection definition in
/// the test assembly: declare <c>[CollectionDefinition("influxdb")] class C : ICollectionFixture&lt;InfluxDbFixture&gt;</c>
/// there. Tests take a database of their own (<see cref="InfluxDbServer.CreateUniqueDatabaseAsync"/>).
/// Tests that stop the server must start their own <see cref="InfluxDbServer"/> instead.
/// </summary>
public sealed class InfluxDbFixture : IAsyncLifetime
{
    public const string CollectionName = "influxdb";

    private InfluxDbServer? _server;

    public InfluxDbServer Server => _server ?? throw new InvalidOperationException("The InfluxDB fixture is not initialized.");

    public async Task InitializeAsync() => _server = await InfluxDbServer.StartNewAsync().ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
