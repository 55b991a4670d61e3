using Grpc.Core;
using Telemetry.Agent.Delivery;
using Telemetry.TestKit.Certificates;

namespace Telemetry.Agent.Tests.Delivery;

public sealed class OtlpTlsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static Dictionary<string, string?> Tls(string endpoint, TestCertificates trust, bool clientCertificate = false)
    {
        var config = ExporterHarness.Fast(endpoint, insecure: false);
        config["ca_file"] = trust.CaFile;
        if (clientCertificate)
        {
            config["client_cert_file"] = trust.ClientCertFile;
            config["client_key_file"] = trust.ClientKeyFile;
        }

        return config;
    }

    [Fact]
    public async Task Collector_certificate_signed_by_ca_file_is_trusted()
    {
        using var pki = TestCertificates.Create();
        await using var collector = await FakeCollector.StartAsync(pki.Server);
        using var harness = ExporterHarness.Create(Tls(collector.Endpoint, pki));
        var request = SampleRequests.Logs(3);

        var ack = await harness.Exporter.ExportAsync(request, 3, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(ExportAckStatus.Accepted, ack.Status);
        Assert.Equal(request, Assert.Single(collector.Logs).Bytes);
        Assert.StartsWith("https://", collector.Endpoint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collector_certificate_from_another_ca_is_refused_and_the_batch_waits()
    {
        using var agentTrust = TestCertificates.Create("agent-trust");
        using var otherPki = TestCertificates.Create("impostor");
        await using var collector = await FakeCollector.StartAsync(otherPki.Server);
        using var harness = ExporterHarness.Create(Tls(collector.Endpoint, agentTrust));

        await AssertNothingDeliveredAsync(harness, collector);
    }

    [Fact]
    public async Task Collector_certificate_for_another_host_name_is_refused()
    {
        using var pki = TestCertificates.Create();
        using var wrongName = pki.Authority.IssueServer(["collector.example"], loopbackAddresses: false);
        await using var collector = await FakeCollector.StartAsync(wrongName);
        using var harness = ExporterHarness.Create(Tls(collector.Endpoint, pki));

        await AssertNothingDeliveredAsync(harness, collector);
    }

    [Fact]
    public async Task Client_certificate_is_presented_for_mutual_tls()
    {
        using var pki = TestCertificates.Create();
        await using var collector = await FakeCollector.StartAsync(pki.Server, clientCa: pki.Authority.Certificate);
        using var harness = ExporterHarness.Create(Tls(collector.Endpoint, pki, clientCertificate: true));

        var ack = await harness.Exporter.ExportAsync(SampleRequests.Logs(1), 1, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(ExportAckStatus.Accepted, ack.Status);
        Assert.Equal("CN=telemetry-test-agent", Assert.Single(collector.Logs).ClientCertificateSubject);
    }

    [Fact]
    public async Task Collector_requiring_a_client_certificate_gets_nothing_from_an_agent_without_one()
    {
        using var pki = TestCertificates.Create();
        await using var collector = await FakeCollector.StartAsync(pki.Server, clientCa: pki.Authority.Certificate);
        using var harness = ExporterHarness.Create(Tls(collector.Endpoint, pki, clientCertificate: false));

        await AssertNothingDeliveredAsync(harness, collector);
    }

    [Fact]
    public async Task Plain_text_endpoint_uses_h2c_when_insecure()
    {
        await using var collector = await FakeCollector.StartAsync();
        using var harness = ExporterHarness.Create(ExporterHarness.Fast(collector.Endpoint, insecure: true));

        var ack = await harness.Exporter.ExportAsync(SampleRequests.Logs(1), 1, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(ExportAckStatus.Accepted, ack.Status);
        Assert.StartsWith("http://", collector.Endpoint, StringComparison.Ordinal);
        Assert.Null(Assert.Single(collector.Logs).ClientCertificateSubject);
    }

    /// <summary>Fail closed: the exporter keeps retrying (never acknowledges, never rejects) and nothing arrives.</summary>
    private static async Task AssertNothingDeliveredAsync(ExporterHarness harness, FakeCollector collector)
    {
        using var shutdown = new CancellationTokenSource();
        var export = harness.Exporter.ExportAsync(SampleRequests.Logs(1), 1, shutdown.Token);
        var deadline = DateTime.UtcNow + Wait;
        while (harness.Instruments.ConsecutiveFailures < 3 && DateTime.UtcNow < deadline && !export.IsCompleted)
        {
            await Task.Delay(20);
        }

        Assert.False(export.IsCompleted, $"the exporter must not answer for a batch it could not deliver: {(export.IsCompletedSuccessfully ? export.Result : default)}");
        Assert.True(harness.Instruments.ConsecutiveFailures >= 3, "expected failed attempts");
        Assert.Equal(StatusCode.Unavailable, harness.Instruments.LastError?.Status);
        Assert.Empty(collector.Logs);
        await shutdown.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => export.WaitAsync(Wait));
    }
}
