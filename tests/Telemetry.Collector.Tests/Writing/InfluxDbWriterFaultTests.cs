using System.Diagnostics;
using System.Net;
using Telemetry.Collector.Writing;
using Telemetry.TestKit;
using Telemetry.TestKit.InfluxDb;
using static Telemetry.Collector.Tests.Writing.WritingTestKit;

namespace Telemetry.Collector.Tests.Writing;

/// <summary>Faults: a stopped and restarted influxd of our own, and a recording fake for answers influxd cannot give.</summary>
public sealed class InfluxDbWriterFaultTests
{
    [Fact]
    public async Task Stopped_influxd_is_unavailable_after_retries_and_nothing_is_acknowledged()
    {
        await using var influx = await InfluxDbServer.StartNewAsync();
        var db = await influx.CreateUniqueDatabaseAsync();
        await influx.StopAsync();
        var writer = Writer(V1(influx.Url, db, o => o.MaxRetries = 3));

        var outcome = await writer.WriteAsync(Lines("m v=1 1", "m v=2 2"), default);

        Assert.Equal(WriteStatus.Unavailable, outcome.Status);
        Assert.Empty(outcome.Rejections);
        Assert.NotNull(outcome.RetryAfter);
        await influx.StartAsync();
        Assert.Equal(0, await CountOrZeroAsync(influx, db, "m"));
    }

    [Fact]
    public async Task Probe_is_ready_only_while_influxd_answers_ping()
    {
        await using var influx = await InfluxDbServer.StartNewAsync();
        var options = Microsoft.Extensions.Options.Options.Create(V1(influx.Url, "db", o => o.Timeout = TimeSpan.FromSeconds(2)));
        using var http = new InfluxDbHttpClient(options);
        var probe = new InfluxDbProbe(http, options, TimeProvider.System);

        Assert.True(await probe.IsReadyAsync(default));
        await influx.StopAsync();
        Assert.False(await probe.IsReadyAsync(default));
        await influx.StartAsync();
        Assert.True(await probe.IsReadyAsync(default));
    }

    [Fact]
    public async Task Batch_retried_across_a_restart_lands_exactly_once()
    {
        await using var influx = await InfluxDbServer.StartNewAsync();
        var db = await influx.CreateUniqueDatabaseAsync();
        await influx.StopAsync();
        var writer = Writer(V1(influx.Url, db, o =>
        {
            o.MaxRetries = 100;
            o.RetryInitialBackoff = TimeSpan.FromMilliseconds(50);
            o.RetryMaxBackoff = TimeSpan.FromMilliseconds(300);
        }));

        var write = writer.WriteAsync(Lines("m v=1 1", "m v=2 2", "m v=3 3"), default);
        await Task.Delay(500);
        Assert.False(write.IsCompleted);
        await influx.StartAsync();
        var outcome = await write.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(WriteStatus.Written, outcome.Status);
        Assert.Equal(3, await influx.CountRowsAsync(db, "m"));
    }

    [Fact]
    public async Task Service_unavailable_with_retry_after_is_retried_then_written()
    {
        await using var fake = new RecordingInfluxListener();
        fake.Enqueue(HttpStatusCode.ServiceUnavailable, "overloaded", TimeSpan.FromSeconds(1));
        fake.Enqueue(HttpStatusCode.TooManyRequests);
        var writer = Writer(V1(fake.Url, "db", o => o.RetryMaxBackoff = TimeSpan.FromSeconds(2)));
        var clock = Stopwatch.StartNew();

        var outcome = await writer.WriteAsync(Lines("m v=1 1"), default);

        Assert.Equal(WriteStatus.Written, outcome.Status);
        Assert.Equal(3, fake.Requests.Count);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"Retry-After was not honoured: {clock.Elapsed}");
        Assert.All(fake.Requests, r => Assert.Equal("m v=1 1\n", r.BodyText));
    }

    [Fact]
    public async Task Unauthorized_is_unavailable_at_once_and_not_retried()
    {
        await using var fake = new RecordingInfluxListener();
        fake.Enqueue(HttpStatusCode.Unauthorized, "authorization failed");
        var writer = Writer(V1(fake.Url, "db", o => { o.Username = "u"; o.Password = "wrong"; }));

        var outcome = await writer.WriteAsync(Lines("m v=1 1"), default);

        Assert.Equal(WriteStatus.Unavailable, outcome.Status);
        Assert.Contains("authorization failed", outcome.Error, StringComparison.Ordinal);
        var request = Assert.Single(fake.Requests);
        Assert.Equal("Basic " + Convert.ToBase64String("u:wrong"u8.ToArray()), request.Headers["Authorization"]);
    }

    [Fact]
    public async Task Too_large_batch_is_split_on_line_boundaries_until_it_fits()
    {
        await using var fake = new RecordingInfluxListener();
        fake.Enqueue(HttpStatusCode.RequestEntityTooLarge, "Request Entity Too Large");
        fake.Enqueue(HttpStatusCode.RequestEntityTooLarge, "Request Entity Too Large");
        var writer = Writer(V1(fake.Url, "db"));

        var outcome = await writer.WriteAsync(Lines("m v=1 1", "m v=2 2", "m v=3 3", "m v=4 4"), default);

        Assert.Equal(WriteStatus.Written, outcome.Status);
        var bodies = fake.Requests.Select(r => r.BodyText).ToArray();
        Assert.Equal(["m v=1 1\nm v=2 2\nm v=3 3\nm v=4 4\n", "m v=1 1\nm v=2 2\n", "m v=1 1\n", "m v=2 2\n", "m v=3 3\nm v=4 4\n"], bodies);
    }

    [Fact]
    public async Task V2_write_uses_org_bucket_token_and_gzip_body()
    {
        await using var fake = new RecordingInfluxListener();
        using var dir = new TempDirectory();
        var tokenFile = dir.Combine("token");
        await File.WriteAllTextAsync(tokenFile, "s3cr3t-token\n");
        var options = V1(fake.Url, "unused", o =>
        {
            o.Api = "v2";
            o.Org = "my org";
            o.Bucket = "web&logs";
            o.TokenFile = tokenFile;
            o.Gzip = true;
        });
        var writer = Writer(options);

        var outcome = await writer.WriteAsync(Lines("m,h=a v=1 1", "m,h=b v=2 2"), default);

        Assert.Equal(WriteStatus.Written, outcome.Status);
        var request = Assert.Single(fake.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v2/write", request.Url.AbsolutePath);
        Assert.Equal("?org=my%20org&bucket=web%26logs&precision=ns", request.Url.Query);
        Assert.Equal("Token s3cr3t-token", request.Headers["Authorization"]);
        Assert.Equal("gzip", request.Headers["Content-Encoding"]);
        Assert.Equal(0x1f, request.RawBody[0]);
        Assert.Equal(0x8b, request.RawBody[1]);
        Assert.Equal("m,h=a v=1 1\nm,h=b v=2 2\n", request.BodyText);
    }

    [Fact]
    public async Task V2_whole_batch_rejection_is_bisected_without_writing_any_point_twice()
    {
        await using var fake = new RecordingInfluxListener();
        // InfluxDB 2.x refuses a whole batch on a parse error (no "partial write"): nothing was stored.
        static ScriptedAnswer Answer(RecordedRequest r) => r.BodyText.Contains("bad", StringComparison.Ordinal)
            ? new ScriptedAnswer(HttpStatusCode.BadRequest, "unable to parse 'bad': missing fields")
            : new ScriptedAnswer(HttpStatusCode.NoContent);
        for (var i = 0; i < 20; i++)
        {
            fake.Enqueue(Answer);
        }

        var writer = Writer(V1(fake.Url, "unused", o => { o.Api = "v2"; o.Org = "o"; o.Bucket = "b"; o.Token = "t"; }));

        var outcome = await writer.WriteAsync(Lines("m v=1 1", "m v=2 2", "bad", "m v=4 4"), default);

        Assert.Equal(WriteStatus.Written, outcome.Status);
        Assert.Single(outcome.Rejections);
        var stored = fake.Requests.Where(r => !r.BodyText.Contains("bad", StringComparison.Ordinal))
            .SelectMany(r => r.BodyText.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Order().ToArray();
        Assert.Equal(["m v=1 1", "m v=2 2", "m v=4 4"], stored);
    }

    [Fact]
    public async Task Timeout_counts_as_retryable_and_ends_unavailable()
    {
        await using var fake = new RecordingInfluxListener();
        for (var i = 0; i < 3; i++)
        {
            fake.Enqueue(_ => new ScriptedAnswer(HttpStatusCode.NoContent, Delay: TimeSpan.FromSeconds(3)));
        }

        var writer = Writer(V1(fake.Url, "db", o => { o.Timeout = TimeSpan.FromMilliseconds(200); o.MaxRetries = 1; }));
        var clock = Stopwatch.StartNew();

        var outcome = await writer.WriteAsync(Lines("m v=1 1"), default);

        Assert.True(outcome.Status == WriteStatus.Unavailable, $"{outcome.Status} after {clock.Elapsed} and {fake.Requests.Count} requests");
        Assert.Contains("no answer within", outcome.Error, StringComparison.Ordinal);
    }

    private static async Task<int> CountOrZeroAsync(InfluxDbServer influx, string db, string measurement) =>
        await influx.CountRowsAsync(db, measurement);
}
