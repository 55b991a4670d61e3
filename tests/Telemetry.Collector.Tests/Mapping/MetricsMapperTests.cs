using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;
using Telemetry.Collector.Configuration;
using static Telemetry.Collector.Tests.Mapping.Otlp;

namespace Telemetry.Collector.Tests.Mapping;

public sealed class MetricsMapperTests
{
    private const ulong Time = 1_700_000_000_000_000_000;

    private static byte[] Request(params Metric[] metrics)
    {
        var scope = new ScopeMetrics();
        scope.Metrics.AddRange(metrics);
        var rm = new ResourceMetrics { Resource = new Resource { Attributes = { Attr("host.name", "web-1"), Attr("service.name", "telemetry-agent") } } };
        rm.ScopeMetrics.Add(scope);
        var request = new ExportMetricsServiceRequest();
        request.ResourceMetrics.Add(rm);
        return request.ToByteArray();
    }

    [Fact]
    public void Gauge_and_sum_become_one_measurement_per_metric_with_a_float_value()
    {
        using var harness = new MappingHarness(enrichment: new EnrichmentOptions { StaticTags = new() { ["env"] = "prod" } });
        var gauge = new Metric { Name = "system.cpu.utilization", Gauge = new Gauge() };
        gauge.Gauge.DataPoints.Add(new NumberDataPoint { TimeUnixNano = Time, AsDouble = 0.25, Attributes = { Attr("cpu.mode", "user") } });
        var sum = new Metric { Name = "http.server.request.count", Sum = new Sum { AggregationTemporality = AggregationTemporality.Delta } };
        sum.Sum.DataPoints.Add(new NumberDataPoint { TimeUnixNano = Time, AsInt = 42, Attributes = { Attr("http.request.method", "GET"), Attr("http.response.status_code", 200L) } });

        var lines = harness.MapMetrics(Request(gauge, sum));

        Assert.Equal(
            "system.cpu.utilization,host=web-1,service=telemetry-agent,cpu.mode=user,env=prod value=0.25 1700000000000000000\n"
            + "http.server.request.count,host=web-1,service=telemetry-agent,http.request.method=GET,http.response.status_code=200,env=prod value=42 1700000000000000000\n",
            lines);
        Assert.Equal(2, harness.Result.Points);
    }

    [Fact]
    public void Histogram_gets_count_sum_min_max_and_percentiles()
    {
        using var harness = new MappingHarness();
        var metric = new Metric { Name = "http.server.request.duration", Histogram = new Histogram() };
        var point = new HistogramDataPoint { TimeUnixNano = Time, Count = 100, Sum = 80, Min = 0.05, Max = 2 };
        point.ExplicitBounds.AddRange([0.1, 0.5, 1]);
        point.BucketCounts.AddRange([10, 20, 30, 40]);
        metric.Histogram.DataPoints.Add(point);

        var lines = harness.MapMetrics(Request(metric));

        var p50 = 0.5 + (0.5 * 20 / 30);
        Assert.Equal(
            $"http.server.request.duration,host=web-1,service=telemetry-agent count=100i,sum=80,min=0.05,max=2,p50={p50:R},p90=1.75,p99=1.975 1700000000000000000\n",
            lines);
    }

    [Fact]
    public void Exponential_histogram_is_written_as_a_histogram()
    {
        using var harness = new MappingHarness();
        var metric = new Metric { Name = "latency", ExponentialHistogram = new ExponentialHistogram() };
        var point = new ExponentialHistogramDataPoint { TimeUnixNano = Time, Count = 5, Sum = 9, Scale = 0, ZeroCount = 1, Positive = new ExponentialHistogramDataPoint.Types.Buckets { Offset = 0 } };
        point.Positive.BucketCounts.AddRange([2, 2]);
        metric.ExponentialHistogram.DataPoints.Add(point);

        var lines = harness.MapMetrics(Request(metric));

        Assert.Equal("latency,host=web-1,service=telemetry-agent count=5i,sum=9,p50=1.75,p90=3.5,p99=3.95 1700000000000000000\n", lines);
    }

    [Fact]
    public void Summary_keeps_count_sum_and_the_standard_quantiles_it_was_sent()
    {
        using var harness = new MappingHarness();
        var metric = new Metric { Name = "rpc.duration", Summary = new Summary() };
        var point = new SummaryDataPoint { TimeUnixNano = Time, Count = 10, Sum = 5.5 };
        point.QuantileValues.Add(new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 0.5, Value = 0.4 });
        point.QuantileValues.Add(new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 0.75, Value = 0.6 });
        point.QuantileValues.Add(new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 0.99, Value = 1.2 });
        metric.Summary.DataPoints.Add(point);

        Assert.Equal("rpc.duration,host=web-1,service=telemetry-agent count=10i,sum=5.5,p50=0.4,p99=1.2 1700000000000000000\n", harness.MapMetrics(Request(metric)));
    }

    [Fact]
    public void Data_point_without_time_uses_receive_time_and_flagged_points_are_skipped()
    {
        using var harness = new MappingHarness();
        var gauge = new Metric { Name = "g", Gauge = new Gauge() };
        gauge.Gauge.DataPoints.Add(new NumberDataPoint { AsDouble = 1 });
        gauge.Gauge.DataPoints.Add(new NumberDataPoint { AsDouble = 2, Flags = 1 });

        Assert.Equal($"g,host=web-1,service=telemetry-agent value=1 {MappingHarness.ReceiveNanos}\n", harness.MapMetrics(Request(gauge)));
    }

    [Fact]
    public void Non_finite_gauge_value_is_rejected_and_counted()
    {
        using var harness = new MappingHarness();
        var gauge = new Metric { Name = "g", Gauge = new Gauge() };
        gauge.Gauge.DataPoints.Add(new NumberDataPoint { TimeUnixNano = Time, AsDouble = double.NaN });

        Assert.Equal(string.Empty, harness.MapMetrics(Request(gauge)));
        Assert.Equal(1, harness.Result.Rejected);
        Assert.Equal("a data point of metric 'g' has no finite value", harness.Result.RejectionMessage);
    }

    [Fact]
    public void Attribute_named_host_or_like_a_static_tag_does_not_duplicate_the_tag()
    {
        using var harness = new MappingHarness(enrichment: new EnrichmentOptions { StaticTags = new() { ["env"] = "prod" } });
        var gauge = new Metric { Name = "g", Gauge = new Gauge() };
        gauge.Gauge.DataPoints.Add(new NumberDataPoint { TimeUnixNano = Time, AsDouble = 1, Attributes = { Attr("host", "x"), Attr("env", "dev"), Attr("a", "1"), Attr("a", "2") } });

        Assert.Equal("g,host=web-1,service=telemetry-agent,a=1,env=prod value=1 1700000000000000000\n", harness.MapMetrics(Request(gauge)));
    }

    [Fact]
    public void Too_many_data_points_refuse_the_request()
    {
        using var harness = new MappingHarness(new LimitsOptions { MaxRecordsPerRequest = 1 });
        var gauge = new Metric { Name = "g", Gauge = new Gauge() };
        gauge.Gauge.DataPoints.Add(new NumberDataPoint { AsDouble = 1 });
        gauge.Gauge.DataPoints.Add(new NumberDataPoint { AsDouble = 2 });

        Assert.Equal(string.Empty, harness.MapMetrics(Request(gauge)));
        Assert.Equal("the request holds 2 metric data points, more than limits.max_records_per_request (1); split it into smaller batches", harness.Result.Error);
    }

    [Fact]
    public void Undecodable_metrics_request_is_refused()
    {
        using var harness = new MappingHarness();
        harness.MapMetrics([0x0A, 0x05, 0x01]);
        Assert.StartsWith("ExportMetricsServiceRequest: ", harness.Result.Error);
    }
}
