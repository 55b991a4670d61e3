using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Telemetry.TestKit.Certificates;

namespace Telemetry.Agent.Tests.Delivery;

[Collection(ProcessWideMetersCollection.Name)]
public sealed class AgentMetricsExportTests
{
    [Theory]
    [InlineData("Telemetry.Agent.Requests")]
    [InlineData("Telemetry.Agent.Host")]
    [InlineData("Telemetry.Agent")]
    public async Task Agent_meters_reach_the_collector_over_mutual_tls_with_delta_temporality(string meterName)
    {
        using var pki = TestCertificates.Create();
        await using var collector = await FakeCollector.StartAsync(pki.Server, clientCa: pki.Authority.Certificate);
        var config = ExporterHarness.Fast(collector.Endpoint, insecure: false);
        config["ca_file"] = pki.CaFile;
        config["client_cert_file"] = pki.ClientCertFile;
        config["client_key_file"] = pki.ClientKeyFile;
        config["bearer_token"] = "metrics-token";
        config["metrics_interval"] = "00:01:00";
        using var harness = ExporterHarness.Create(config);
        var provider = harness.Services.GetRequiredService<MeterProvider>();

        using var meter = new Meter(meterName);
        var counter = meter.CreateCounter<long>("test.requests");
        counter.Add(5);
        Assert.True(provider.ForceFlush(10_000));
        counter.Add(2);
        Assert.True(provider.ForceFlush(10_000));

        var points = collector.State.Metrics
            .SelectMany(r => r.ResourceMetrics)
            .SelectMany(r => r.ScopeMetrics)
            .Where(s => s.Scope.Name == meterName)
            .SelectMany(s => s.Metrics)
            .Where(m => m.Name == "test.requests")
            .ToArray();
        Assert.Equal(2, points.Length);
        Assert.All(points, m => Assert.Equal(OpenTelemetry.Proto.Metrics.V1.AggregationTemporality.Delta, m.Sum.AggregationTemporality));
        Assert.Equal([5L, 2L], points.Select(m => m.Sum.DataPoints.Single().AsInt));
        var call = collector.State.MetricCalls.First();
        Assert.Equal("Bearer metrics-token", call.Authorization);
        Assert.Equal("CN=telemetry-test-agent", call.ClientCertificateSubject);
        var resource = collector.State.Metrics.First().ResourceMetrics[0].Resource.Attributes;
        Assert.Contains(resource, a => a.Key == "service.name" && a.Value.StringValue == "telemetry-agent");
        Assert.Contains(resource, a => a.Key == "host.name" && a.Value.StringValue == Environment.MachineName);
        Assert.Contains(resource, a => a.Key == "service.instance.id" && a.Value.StringValue.Length > 0);
        Assert.Contains(resource, a => a.Key == "os.type");
    }

    [Fact]
    public async Task Export_self_metrics_count_retries_and_attempt_durations()
    {
        await using var collector = await FakeCollector.StartAsync();
        var config = ExporterHarness.Fast(collector.Endpoint);
        config["metrics_interval"] = "00:01:00";
        using var harness = ExporterHarness.Create(config);
        var provider = harness.Services.GetRequiredService<MeterProvider>();
        collector.State.Script(
            FakeAnswers.Fail(Grpc.Core.StatusCode.Unavailable, "down"),
            FakeAnswers.Fail(Grpc.Core.StatusCode.Unavailable, "down"));

        await harness.Exporter.ExportAsync(SampleRequests.Logs(1), 1, CancellationToken.None);
        Assert.True(provider.ForceFlush(10_000));

        var metrics = collector.State.Metrics
            .SelectMany(r => r.ResourceMetrics)
            .SelectMany(r => r.ScopeMetrics)
            .Where(s => s.Scope.Name == "Telemetry.Agent")
            .SelectMany(s => s.Metrics)
            .ToDictionary(m => m.Name);
        var retries = metrics["telemetry.agent.export.retries"].Sum;
        Assert.Equal(2, retries.DataPoints.Sum(p => p.AsInt));
        var durations = metrics["telemetry.agent.export.duration"].Histogram;
        Assert.Equal(3UL, durations.DataPoints.Aggregate(0UL, (sum, p) => sum + p.Count));
        Assert.Equal("s", metrics["telemetry.agent.export.duration"].Unit);
    }
}
