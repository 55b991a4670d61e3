using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Telemetry.TestKit.InfluxDb;

namespace Telemetry.IntegrationTests.Collector;

/// <summary>OTLP/JSON, SDK metrics and the collector's self-metrics, through the real collector into influxd.</summary>
public sealed class CollectorJsonAndMetricsTests
{
    private static async Task<IReadOnlyList<InfluxSeries>> EventuallyAsync(Func<Task<IReadOnlyList<InfluxSeries>>> probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var value = await probe();
            if (value.Count > 0 || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Otlp_json_keeps_hex_trace_ids_and_nanosecond_timestamps_exact()
    {
        await using var influx = await InfluxDbServer.StartNewAsync();
        await using var collector = await CollectorHost.StartAsync(influx);
        using var http = new HttpClient { BaseAddress = collector.HttpAddress };
        // Two records one nanosecond apart, timestamps as bare JSON numbers (beyond double precision) and as strings.
        const string json = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"host.name","value":{"stringValue":"json-host"}},
                                                         {"key":"service.name","value":{"stringValue":"json-svc"}}]},
              "scopeLogs":[{"logRecords":[
                {"timeUnixNano":1800000000123456789,"severityText":"WARN","body":{"stringValue":"first \"one\""},
                 "traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174"},
                {"timeUnixNano":"1800000000123456790","severityNumber":"SEVERITY_NUMBER_ERROR","body":{"stringValue":"second\nline"}}]}]}]}
            """;

        using var response = await http.PostAsync("/v1/logs", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var series = await EventuallyAsync(() => influx.QueryAsync(collector.Database, "SELECT * FROM logs", "ns"));
        var rows = Assert.Single(series).Rows();
        Assert.Equal(2, rows.Count);
        Assert.Equal(1800000000123456789, rows[0]["time"].GetInt64());
        Assert.Equal(1800000000123456790, rows[1]["time"].GetInt64());
        Assert.Equal("first \"one\"", rows[0]["body"].GetString());
        Assert.Equal("second\nline", rows[1]["body"].GetString());
        Assert.Equal("5b8efff798038103d269b633813fc60c", rows[0]["trace_id"].GetString());
        Assert.Equal("eee19b7ec3c1b174", rows[0]["span_id"].GetString());
        Assert.Equal("json-host", rows[0]["host"].GetString());
        Assert.Equal("json-svc", rows[1]["service"].GetString());
    }

    [Fact]
    public async Task Otlp_json_metrics_keep_exact_values_and_string_int64()
    {
        await using var influx = await InfluxDbServer.StartNewAsync();
        await using var collector = await CollectorHost.StartAsync(influx);
        using var http = new HttpClient { BaseAddress = collector.HttpAddress };
        // asInt as a JSON string beyond 2^53 (float field: the nearest double), a double gauge, a data-point attribute.
        const string json = """
            {"resourceMetrics":[{"resource":{"attributes":[{"key":"host.name","value":{"stringValue":"json-host"}}]},
              "scopeMetrics":[{"metrics":[
                {"name":"json.bytes","sum":{"aggregationTemporality":"AGGREGATION_TEMPORALITY_DELTA","isMonotonic":true,
                  "dataPoints":[{"timeUnixNano":"1800000000000000001","asInt":"9007199254740993",
                                 "attributes":[{"key":"direction","value":{"stringValue":"out"}}]}]}},
                {"name":"json.load","gauge":{"dataPoints":[{"timeUnixNano":"1800000000000000002","asDouble":0.125}]}}]}]}]}
            """;

        using var response = await http.PostAsync("/v1/metrics", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var sum = Assert.Single(Assert.Single(await EventuallyAsync(() =>
            influx.QueryAsync(collector.Database, "SELECT * FROM \"json.bytes\"", "ns"))).Rows());
        Assert.Equal(1800000000000000001, sum["time"].GetInt64());
        Assert.Equal(9007199254740992.0, sum["value"].GetDouble());
        Assert.Equal("out", sum["direction"].GetString());
        Assert.Equal("json-host", sum["host"].GetString());
        var gauge = Assert.Single(Assert.Single(await EventuallyAsync(() =>
            influx.QueryAsync(collector.Database, "SELECT * FROM \"json.load\"", "ns"))).Rows());
        Assert.Equal(1800000000000000002, gauge["time"].GetInt64());
        Assert.Equal(0.125, gauge["value"].GetDouble());
    }

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Sdk_metrics_arrive_as_one_measurement_per_metric(OtlpExportProtocol protocol)
    {
        await using var influx = await InfluxDbServer.StartNewAsync();
        await using var collector = await CollectorHost.StartAsync(influx);
        var meterName = "E2E.Test." + protocol;
        using (var meter = new Meter(meterName))
        using (var provider = Sdk.CreateMeterProviderBuilder()
                   .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("e2e-metrics").AddAttributes([new("host.name", "metrics-host")]))
                   .AddMeter(meterName)
                   .AddOtlpExporter((exporter, reader) =>
                   {
                       exporter.Protocol = protocol;
                       exporter.Endpoint = protocol == OtlpExportProtocol.Grpc ? collector.GrpcAddress : new Uri(collector.HttpAddress, "/v1/metrics");
                       reader.TemporalityPreference = MetricReaderTemporalityPreference.Delta;
                       reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000;
                   })
                   .Build())
        {
            var counter = meter.CreateCounter<long>("e2e.requests");
            counter.Add(5, new KeyValuePair<string, object?>("http.request.method", "GET"));
            counter.Add(2, new KeyValuePair<string, object?>("http.request.method", "GET"));
            var histogram = meter.CreateHistogram<double>("e2e.duration");
            foreach (var v in new[] { 0.1, 0.2, 0.3, 0.4 })
            {
                histogram.Record(v);
            }

            Assert.True(provider.ForceFlush(10_000));
        }

        var counterSeries = await EventuallyAsync(() => influx.QueryAsync(collector.Database, "SELECT * FROM \"e2e.requests\"", "ns"));
        var counterRow = Assert.Single(Assert.Single(counterSeries).Rows());
        Assert.Equal(7.0, counterRow["value"].GetDouble());
        Assert.Equal("GET", counterRow["http.request.method"].GetString());
        Assert.Equal("metrics-host", counterRow["host"].GetString());
        Assert.Equal("e2e-metrics", counterRow["service"].GetString());

        var histogramRow = Assert.Single(Assert.Single(await influx.QueryAsync(collector.Database, "SELECT * FROM \"e2e.duration\"", "ns")).Rows());
        Assert.Equal(4, histogramRow["count"].GetInt64());
        Assert.Equal(1.0, histogramRow["sum"].GetDouble(), 9);
        Assert.Equal(0.1, histogramRow["min"].GetDouble(), 9);
        Assert.Equal(0.4, histogramRow["max"].GetDouble(), 9);
    }

    [Fact]
    public async Task Collector_self_metrics_are_written_to_influxdb()
    {
        await using var influx = await InfluxDbServer.StartNewAsync();
        await using var collector = await CollectorHost.StartAsync(influx, selfMetrics: "self_metrics:\n  enabled: true\n  interval: \"00:00:01\"\n");
        using var http = new HttpClient { BaseAddress = collector.HttpAddress };
        using var response = await http.PostAsync("/v1/logs", new StringContent("{\"resourceLogs\":[]}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var series = await EventuallyAsync(() => influx.QueryAsync(collector.Database,
            "SELECT sum(\"value\") FROM \"telemetry.collector.requests\" WHERE outcome = 'ok' GROUP BY protocol, signal, service"));

        var s = Assert.Single(series);
        Assert.Equal("http", s.Tags["protocol"]);
        Assert.Equal("logs", s.Tags["signal"]);
        Assert.Equal("telemetry-collector", s.Tags["service"]);
        Assert.Equal(1.0, s.Rows()[0]["sum"].GetDouble());
    }
}
