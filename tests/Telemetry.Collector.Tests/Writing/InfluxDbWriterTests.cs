using System.Net;
using System.Text;
using Telemetry.Collector.Writing;
using Telemetry.TestKit.InfluxDb;
using static Telemetry.Collector.Tests.Writing.WritingTestKit;

namespace Telemetry.Collector.Tests.Writing;

[Collection(InfluxDbFixture.CollectionName)]
public sealed class InfluxDbWriterTests(InfluxDbFixture fixture)
{
    private readonly InfluxDbServer _influx = fixture.Server;

    [Fact]
    public async Task Type_conflict_in_one_point_rejects_exactly_that_point_and_stores_the_others_once()
    {
        var db = await _influx.CreateUniqueDatabaseAsync();
        var counter = new CountingHandler();
        var writer = Writer(V1(_influx.Url, db), new HttpClient(counter));
        var first = await writer.WriteAsync(Lines("m,h=a v=1 1", "m,h=a v=2 2"), default);
        Assert.Equal(WriteStatus.Written, first.Status);

        var outcome = await writer.WriteAsync(Lines("m,h=a v=3 3", "m,h=a v=\"text\" 4", "m,h=a v=5 5", "other x=1i 6"), default);

        Assert.Equal(WriteStatus.Written, outcome.Status);
        Assert.Equal(2, counter.Requests); // one per batch: the bad point was found in the answer, nothing re-sent
        var rejection = Assert.Single(outcome.Rejections);
        Assert.Equal("m,h=a v=\"text\" 4", Encoding.UTF8.GetString(outcome.Batch.Span.Slice(rejection.Offset, rejection.Length)));
        Assert.Contains("field type conflict", rejection.Reason, StringComparison.Ordinal);
        Assert.Contains("\"v\"", rejection.Reason, StringComparison.Ordinal);
        var rows = await _influx.QueryAsync(db, "SELECT v FROM m", "ns");
        Assert.Equal([1L, 2L, 3L, 5L], Assert.Single(rows).Values.Select(r => r[0].GetInt64()).ToArray());
        Assert.Equal(1, await _influx.CountRowsAsync(db, "other"));
    }

    [Fact]
    public async Task Conflicts_on_two_different_fields_are_both_isolated_with_their_reasons()
    {
        var db = await _influx.CreateUniqueDatabaseAsync();
        var counter = new CountingHandler();
        var writer = Writer(V1(_influx.Url, db), new HttpClient(counter));
        await writer.WriteAsync(Lines("m a=1,b=1i 1"), default);

        var outcome = await writer.WriteAsync(Lines("m a=2 2", "m a=\"x\" 3", "m b=2i 4", "m b=true 5", "m a=6,b=6i 6", "m a=true 7"), default);

        Assert.Equal(WriteStatus.Written, outcome.Status);
        var rejected = outcome.Rejections.Select(r => Encoding.UTF8.GetString(outcome.Batch.Span.Slice(r.Offset, r.Length))).Order().ToArray();
        Assert.Equal(["m a=\"x\" 3", "m a=true 7", "m b=true 5"], rejected);
        Assert.All(outcome.Rejections, r => Assert.Contains("field type conflict", r.Reason, StringComparison.Ordinal));
        Assert.Equal(4, await _influx.CountRowsAsync(db, "m"));
        Assert.True(counter.Requests <= 4, $"{counter.Requests} requests: isolation should re-send only once per distinct conflict");
    }

    [Fact]
    public async Task Unparsable_lines_are_rejected_with_the_parser_reason_and_good_lines_are_stored()
    {
        var db = await _influx.CreateUniqueDatabaseAsync();
        var writer = Writer(V1(_influx.Url, db));

        var outcome = await writer.WriteAsync(Lines("m v=1 1", "m v= 2", "m v=3 3", "m,t=a\\ v=4 4", "m v=5 5"), default);

        Assert.Equal(WriteStatus.Written, outcome.Status);
        Assert.Equal(2, outcome.Rejections.Count);
        Assert.All(outcome.Rejections, r => Assert.Contains("unable to parse", r.Reason, StringComparison.Ordinal));
        Assert.Equal(3, await _influx.CountRowsAsync(db, "m"));
    }

    [Fact]
    public async Task A_key_named_time_is_rejected_as_invalid_field_name()
    {
        var db = await _influx.CreateUniqueDatabaseAsync();
        var writer = Writer(V1(_influx.Url, db));

        var outcome = await writer.WriteAsync(Lines("m v=1 1", "m time=2 2", "m v=3 3"), default);

        var rejection = Assert.Single(outcome.Rejections);
        Assert.Contains("invalid field name", rejection.Reason, StringComparison.Ordinal);
        Assert.Equal(2, await _influx.CountRowsAsync(db, "m"));
    }

    [Fact]
    public async Task Missing_database_is_unavailable_at_once_without_retries()
    {
        var writer = Writer(V1(_influx.Url, "does_not_exist_" + Guid.NewGuid().ToString("N")[..8]));

        var outcome = await writer.WriteAsync(Lines("m v=1 1"), default);

        Assert.Equal(WriteStatus.Unavailable, outcome.Status);
        Assert.Contains("database not found", outcome.Error, StringComparison.Ordinal);
    }
}
