using Grpc.Core;
using Telemetry.Agent.Delivery;
using Telemetry.TestKit;

namespace Telemetry.Agent.Tests.Delivery;

public sealed class OtlpGrpcLogExporterTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Encoded_request_arrives_byte_for_byte_and_OK_is_Accepted()
    {
        await using var collector = await FakeCollector.StartAsync();
        using var harness = ExporterHarness.Create(ExporterHarness.Fast(collector.Endpoint));
        var request = SampleRequests.Logs(50);

        var ack = await harness.Exporter.ExportAsync(request, 50, CancellationToken.None);

        Assert.Equal(new ExportAck(ExportAckStatus.Accepted), ack);
        var call = Assert.Single(collector.Logs);
        Assert.Equal(request, call.Bytes);
    }

    [Fact]
    public async Task Bearer_token_is_sent_in_the_authorization_header()
    {
        await using var collector = await FakeCollector.StartAsync();
        var config = ExporterHarness.Fast(collector.Endpoint);
        config["bearer_token"] = "s3cret-token";
        using var harness = ExporterHarness.Create(config);

        await harness.Exporter.ExportAsync(SampleRequests.Logs(1), 1, CancellationToken.None);

        Assert.Equal("Bearer s3cret-token", Assert.Single(collector.Logs).Authorization);
    }

    [Fact]
    public async Task Rotated_token_file_is_picked_up_after_the_collector_answers_UNAUTHENTICATED()
    {
        await using var collector = await FakeCollector.StartAsync();
        using var dir = new TempDirectory();
        var tokenFile = dir.Combine("token");
        await File.WriteAllTextAsync(tokenFile, "old-token\n");
        var config = ExporterHarness.Fast(collector.Endpoint);
        config["bearer_token_file"] = tokenFile;
        config["max_backoff"] = "00:00:00.200";
        using var harness = ExporterHarness.Create(config);
        collector.State.Script(FakeAnswers.Fail(StatusCode.Unauthenticated, "unknown token"));

        var export = harness.Exporter.ExportAsync(SampleRequests.Logs(3), 3, CancellationToken.None);
        await collector.State.WaitForLogCallsAsync(1, Wait);
        await File.WriteAllTextAsync(tokenFile, "new-token\n");
        var ack = await export.WaitAsync(Wait);

        Assert.Equal(ExportAckStatus.Accepted, ack.Status);
        var calls = collector.Logs.ToArray();
        Assert.Equal(2, calls.Length);
        Assert.Equal("Bearer old-token", calls[0].Authorization);
        Assert.Equal("Bearer new-token", calls[1].Authorization);
    }

    [Theory]
    [InlineData(true, "gzip")]
    [InlineData(false, null)]
    public async Task Gzip_option_compresses_the_request(bool gzip, string? expectedEncoding)
    {
        await using var collector = await FakeCollector.StartAsync();
        var config = ExporterHarness.Fast(collector.Endpoint);
        config["gzip"] = gzip ? "true" : "false";
        using var harness = ExporterHarness.Create(config);
        var request = SampleRequests.Logs(200);

        var ack = await harness.Exporter.ExportAsync(request, 200, CancellationToken.None);

        Assert.Equal(ExportAckStatus.Accepted, ack.Status);
        var call = Assert.Single(collector.Logs);
        Assert.Equal(expectedEncoding, call.GrpcEncoding);
        Assert.Equal(request, call.Bytes);
    }

    [Fact]
    public async Task Partial_success_is_PartiallyAccepted_with_count_and_message()
    {
        await using var collector = await FakeCollector.StartAsync();
        using var harness = ExporterHarness.Create(ExporterHarness.Fast(collector.Endpoint));
        collector.State.Script(FakeAnswers.Ok(rejected: 2, message: "2 records had no timestamp"));

        var ack = await harness.Exporter.ExportAsync(SampleRequests.Logs(10), 10, CancellationToken.None);

        Assert.Equal(new ExportAck(ExportAckStatus.PartiallyAccepted, 2, "2 records had no timestamp"), ack);
    }

    [Fact]
    public async Task Partial_success_with_zero_rejected_is_Accepted_with_the_warning()
    {
        await using var collector = await FakeCollector.StartAsync();
        using var harness = ExporterHarness.Create(ExporterHarness.Fast(collector.Endpoint));
        collector.State.Script(FakeAnswers.Ok(rejected: 0, message: "strings truncated"));

        var ack = await harness.Exporter.ExportAsync(SampleRequests.Logs(10), 10, CancellationToken.None);

        Assert.Equal(new ExportAck(ExportAckStatus.Accepted, 0, "strings truncated"), ack);
    }

    [Fact]
    public async Task Retry_waits_the_delay_the_collector_asks_for_in_RetryInfo()
    {
        await using var collector = await FakeCollector.StartAsync();
        using var harness = ExporterHarness.Create(ExporterHarness.Fast(collector.Endpoint));
        var asked = TimeSpan.FromMilliseconds(400);
        collector.State.Script(
            FakeAnswers.Fail(StatusCode.Unavailable, "influxdb down", asked),
            FakeAnswers.Fail(StatusCode.ResourceExhausted, "queue full", asked));

        var ack = await harness.Exporter.ExportAsync(SampleRequests.Logs(5), 5, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(ExportAckStatus.Accepted, ack.Status);
        var calls = collector.Logs.ToArray();
        Assert.Equal(3, calls.Length);
        for (var i = 1; i < calls.Length; i++)
        {
            var gap = TimeProvider.System.GetElapsedTime(calls[i - 1].Timestamp, calls[i].Timestamp);
            // initial/max backoff are 1-10 ms: only the server's RetryInfo explains a 400 ms gap
            Assert.True(gap >= asked - TimeSpan.FromMilliseconds(20), $"retry {i} came after {gap.TotalMilliseconds} ms");
        }
    }

    [Fact]
    public async Task Transient_failures_are_retried_until_accepted_and_acknowledged_once()
    {
        await using var collector = await FakeCollector.StartAsync();
        using var harness = ExporterHarness.Create(ExporterHarness.Fast(collector.Endpoint));
        var failures = new[] { StatusCode.Unavailable, StatusCode.DeadlineExceeded, StatusCode.Aborted, StatusCode.Cancelled, StatusCode.DataLoss, StatusCode.OutOfRange };
        for (var round = 0; round < 5; round++)
        {
            foreach (var code in failures)
            {
                collector.State.Script(FakeAnswers.Fail(code, "transient " + code));
            }
        }

        var request = SampleRequests.Logs(7);
        var ack = await harness.Exporter.ExportAsync(request, 7, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(new ExportAck(ExportAckStatus.Accepted), ack);
        var calls = collector.Logs.ToArray();
        Assert.Equal((failures.Length * 5) + 1, calls.Length);
        Assert.All(calls, call => Assert.Equal(request, call.Bytes));
        Assert.Equal(0, harness.Instruments.ConsecutiveFailures);
        Assert.Equal(StatusCode.OutOfRange, harness.Instruments.LastError?.Status);
    }

    [Theory]
    [InlineData(StatusCode.Unauthenticated)]
    [InlineData(StatusCode.PermissionDenied)]
    [InlineData(StatusCode.Unimplemented)]
    [InlineData(StatusCode.ResourceExhausted)]
    public async Task Operator_fixable_refusals_keep_the_batch_and_retry_at_max_backoff(StatusCode code)
    {
        await using var collector = await FakeCollector.StartAsync();
        var config = ExporterHarness.Fast(collector.Endpoint);
        config["initial_backoff"] = "00:00:00.001";
        config["max_backoff"] = "00:00:00.300";
        using var harness = ExporterHarness.Create(config);
        collector.State.Script(FakeAnswers.Fail(code, "refused"), FakeAnswers.Fail(code, "refused"));

        var ack = await harness.Exporter.ExportAsync(SampleRequests.Logs(4), 4, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(ExportAckStatus.Accepted, ack.Status);
        var calls = collector.Logs.ToArray();
        Assert.Equal(3, calls.Length);
        var gap = TimeProvider.System.GetElapsedTime(calls[0].Timestamp, calls[1].Timestamp);
        Assert.True(gap >= TimeSpan.FromMilliseconds(280), $"retried after {gap.TotalMilliseconds} ms, not max_backoff");
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument)]
    [InlineData(StatusCode.FailedPrecondition)]
    [InlineData(StatusCode.Internal)]
    [InlineData(StatusCode.Unknown)]
    public async Task Permanent_errors_reject_the_batch_with_the_collectors_message(StatusCode code)
    {
        await using var collector = await FakeCollector.StartAsync();
        using var harness = ExporterHarness.Create(ExporterHarness.Fast(collector.Endpoint));
        collector.State.Script(FakeAnswers.Fail(code, "cannot decode request"));

        var ack = await harness.Exporter.ExportAsync(SampleRequests.Logs(9), 9, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(ExportAckStatus.Rejected, ack.Status);
        Assert.Equal(9, ack.RejectedRecords);
        Assert.Contains("cannot decode request", ack.Message, StringComparison.Ordinal);
        Assert.Contains(code.ToString(), ack.Message, StringComparison.Ordinal);
        Assert.Single(collector.Logs);
    }

    [Fact]
    public async Task Invalid_argument_is_sent_once_and_never_retried()
    {
        await using var collector = await FakeCollector.StartAsync();
        using var harness = ExporterHarness.Create(ExporterHarness.Fast(collector.Endpoint));
        collector.State.Script(FakeAnswers.Fail(StatusCode.InvalidArgument, "records_per_request over the limit"));

        var ack = await harness.Exporter.ExportAsync(SampleRequests.Logs(4), 4, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(ExportAckStatus.Rejected, ack.Status);
        // Fast() retries within 10 ms: a retry of any kind would have arrived by now.
        await Task.Delay(500);
        Assert.Single(collector.Logs);
    }

    [Fact]
    public async Task Attempt_without_answer_within_timeout_is_retried()
    {
        await using var collector = await FakeCollector.StartAsync();
        var config = ExporterHarness.Fast(collector.Endpoint);
        config["timeout"] = "00:00:00.300";
        using var harness = ExporterHarness.Create(config);
        collector.State.Script(FakeAnswers.Hang(TimeSpan.FromSeconds(30)));

        var ack = await harness.Exporter.ExportAsync(SampleRequests.Logs(2), 2, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(ExportAckStatus.Accepted, ack.Status);
        Assert.Equal(2, collector.Logs.Count);
        Assert.Equal(StatusCode.DeadlineExceeded, harness.Instruments.LastError?.Status);
    }

    [Fact]
    public async Task Collector_that_comes_up_late_receives_the_batch()
    {
        var port = FreePort.Get();
        using var harness = ExporterHarness.Create(ExporterHarness.Fast($"http://localhost:{port}"));
        var request = SampleRequests.Logs(3);

        var export = harness.Exporter.ExportAsync(request, 3, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(export.IsCompleted);
        Assert.Equal(StatusCode.Unavailable, harness.Instruments.LastError?.Status);
        await using var collector = await FakeCollector.StartAsync(port: port);
        var ack = await export.WaitAsync(Wait);

        Assert.Equal(ExportAckStatus.Accepted, ack.Status);
        Assert.Equal(request, Assert.Single(collector.Logs).Bytes);
    }

    [Fact]
    public async Task Shutdown_stops_retrying_without_acknowledging()
    {
        await using var collector = await FakeCollector.StartAsync();
        using var harness = ExporterHarness.Create(ExporterHarness.Fast(collector.Endpoint));
        for (var i = 0; i < 10_000; i++)
        {
            collector.State.Script(FakeAnswers.Fail(StatusCode.Unavailable, "down"));
        }

        using var shutdown = new CancellationTokenSource();
        var export = harness.Exporter.ExportAsync(SampleRequests.Logs(1), 1, shutdown.Token);
        await collector.State.WaitForLogCallsAsync(3, Wait);
        await shutdown.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => export.WaitAsync(Wait));
    }

    [Fact]
    public async Task Shutdown_cancels_an_attempt_in_flight()
    {
        await using var collector = await FakeCollector.StartAsync();
        using var harness = ExporterHarness.Create(ExporterHarness.Fast(collector.Endpoint));
        collector.State.Script(FakeAnswers.Hang(TimeSpan.FromSeconds(30)));

        using var shutdown = new CancellationTokenSource();
        var export = harness.Exporter.ExportAsync(SampleRequests.Logs(1), 1, shutdown.Token);
        await collector.State.WaitForLogCallsAsync(1, Wait);
        await shutdown.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => export.WaitAsync(TimeSpan.FromSeconds(2)));
        Assert.Single(collector.Logs);
    }
}
