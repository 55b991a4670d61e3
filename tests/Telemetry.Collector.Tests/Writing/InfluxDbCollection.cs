using Telemetry.TestKit.InfluxDb;

namespace Telemetry.Collector.Tests.Writing;

/// <summary>Test classes in this collection share one private influxd (each test uses its own database).</summary>
[CollectionDefinition(InfluxDbFixture.CollectionName)]
public sealed class InfluxDbCollection : ICollectionFixture<InfluxDbFixture>
{
}
