using Google.Protobuf;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using Grpc.Core;
using Telemetry.Collector.Tests.Hosting;
using Telemetry.TestKit;

namespace Telemetry.Collector.Tests.Receiving;

public sealed class TlsTests
{
    private static ByteArrayContent Protobuf(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }

    [Fact]
    public async Task Tls_listeners_serve_grpc_and_http_with_the_configured_certificate()
    {
        using var dir = new TempDirectory();
        using var pki = TestPki.Create(dir.Path);
        await using var collector = await CollectorFixture.StartAsync(
            $"  tls:\n    cert_file: \"{pki.ServerCertFile}\"\n    key_file: \"{pki.ServerKeyFile}\"\n", tls: true);

        using var channel = RawGrpc.Channel(collector.GrpcAddress, pki.Handler());
        await RawGrpc.ExportAsync(channel, RawGrpc.LogsExport, OtlpSamples.LogsBytes());
        using var client = new HttpClient(pki.Handler()) { BaseAddress = collector.HttpAddress };
        using var response = await client.PostAsync("/v1/logs", Protobuf(OtlpSamples.LogsBytes()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, collector.Pipeline.Calls);

        // Plain text against a TLS listener gets nowhere.
        using var plain = new HttpClient { BaseAddress = new Uri($"http://localhost:{collector.HttpPort}") };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.PostAsync("/v1/logs", Protobuf(OtlpSamples.LogsBytes())));
        Assert.Equal(2, collector.Pipeline.Calls);
    }

    [Fact]
    public async Task Mutual_tls_accepts_only_client_certificates_from_the_configured_ca()
    {
        using var dir = new TempDirectory();
        using var pki = TestPki.Create(dir.Path);
        using var otherDir = new TempDirectory();
        using var stranger = TestPki.Create(otherDir.Path, "Stranger");
        await using var collector = await CollectorFixture.StartAsync(
            $"  tls:\n    cert_file: \"{pki.ServerCertFile}\"\n    key_file: \"{pki.ServerKeyFile}\"\n    client_ca_file: \"{pki.CaFile}\"\n    require_client_certificate: true\n",
            tls: true);

        // No client certificate, or one from another CA: refused at the handshake, on both listeners.
        using (var none = new HttpClient(pki.Handler()) { BaseAddress = collector.HttpAddress })
        {
            await Assert.ThrowsAnyAsync<Exception>(() => none.PostAsync("/v1/logs", Protobuf(OtlpSamples.LogsBytes())));
        }

        using (var wrong = new HttpClient(pki.Handler(stranger.ClientWithKey())) { BaseAddress = collector.HttpAddress })
        {
            await Assert.ThrowsAnyAsync<Exception>(() => wrong.PostAsync("/v1/logs", Protobuf(OtlpSamples.LogsBytes())));
        }

        using (var wrongGrpc = RawGrpc.Channel(collector.GrpcAddress, pki.Handler(stranger.ClientWithKey())))
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => RawGrpc.ExportAsync(wrongGrpc, RawGrpc.LogsExport, OtlpSamples.LogsBytes()));
            // With TLS 1.3 the client may finish its side of the handshake and start the call before the
            // server's rejection of its certificate arrives; the call then fails while reading the answer
            // (Internal) rather than while connecting (Unavailable). Either way nothing reached the pipeline.
            Assert.Contains(e.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        }

        Assert.Equal(0, collector.Pipeline.Calls);

        using var good = new HttpClient(pki.Handler(pki.ClientWithKey())) { BaseAddress = collector.HttpAddress };
        using var response = await good.PostAsync("/v1/logs", Protobuf(OtlpSamples.LogsBytes()));
        using var goodGrpc = RawGrpc.Channel(collector.GrpcAddress, pki.Handler(pki.ClientWithKey()));
        await RawGrpc.ExportAsync(goodGrpc, RawGrpc.MetricsExport, OtlpSamples.Metrics().ToByteArray());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, collector.Pipeline.Calls);
    }
}
