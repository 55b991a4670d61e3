using System.Net;
using Telemetry.Collector.Tests.Hosting;

namespace Telemetry.Collector.Tests.Health;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Healthz_answers_while_readyz_follows_the_storage_probe()
    {
        await using var collector = await CollectorFixture.StartAsync("  auth:\n    bearer_tokens: [\"t\"]\n");
        using var client = new HttpClient { BaseAddress = collector.HttpAddress };

        using (var health = await client.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using (var ready = await client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        collector.Probe.Ready = false;
        using (var notReady = await client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.Contains("storage not ready", await notReady.Content.ReadAsStringAsync());
        }

        using (var stillHealthy = await client.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, stillHealthy.StatusCode);
        }

        collector.Probe.Ready = true;
        using var readyAgain = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, readyAgain.StatusCode);
    }
}
