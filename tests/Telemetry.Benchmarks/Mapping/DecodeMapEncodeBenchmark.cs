using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;
using Telemetry.Collector.Configuration;
using Telemetry.Collector.Enrichment;
using Telemetry.Collector.Mapping;

namespace Telemetry.Benchmarks.Mapping;

/// <summary>
/// The collector's hot path for access logs: one Export of 512 access-log records (the attribute set the
/// agent sends for a combined/vhost log line) decoded from protobuf wire bytes, mapped to
/// <c>http_requests</c> with enrichment (status class, UA class, route template, static tags) and encoded
/// as line protocol. Records/s = 512 / mean; allocated bytes per record = Allocated / 512.
/// </summary>
[MemoryDiagnoser]
public class DecodeMapEncodeBenchmark
{
    public const int Records = 512;

    private static readonly string[] Paths = ["/", "/index.html", "/users/{0}", "/api/v1/orders/{0}/items", "/static/css/app.css", "/search", "/o/3f2504e0-4f89-11d3-9a0c-0305e82c{0:x4}"];
    private static readonly string[] Agents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/8.4.0",
    ];

    private static readonly int[] Statuses = [200, 200, 200, 200, 304, 301, 404, 500];

    private byte[] _request = [];
    private LogsMapper _mapper = null!;
    private MappingSession _session = null!;

    [GlobalSetup]
    public void Setup()
    {
        _request = BuildRequest().ToByteArray();
        var enrichment = new EnrichmentOptions { StaticTags = new() { ["env"] = "prod" } };
        var limits = new LimitsOptions();
        _mapper = new LogsMapper(limits, new RouteTemplater(enrichment.MaxRoutes, enrichment.RouteRules), new StaticTags(enrichment.StaticTags));
        _session = new MappingSession(limits.MaxAttributesPerRecord);
    }

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();

    /// <summary>Bytes of the protobuf request (for sizing: bytes per record on the wire).</summary>
    public int RequestBytes => _request.Length;

    [Benchmark(OperationsPerInvoke = 1)]
    public int DecodeMapEncode()
    {
        var result = _mapper.Map(_request, _session, 1_700_000_000_000_000_000);
        return result.Points;
    }

    /// <summary><paramref name="records"/> access-log records as the agent sends them; <paramref name="seed"/> varies paths and sizes.</summary>
    public static ExportLogsServiceRequest BuildRequest(int records = Records, int seed = 42)
    {
        var random = new Random(seed);
        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "telemetry-agent", Version = "0.1.0" } };
        for (var i = 0; i < records; i++)
        {
            var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, Paths[random.Next(Paths.Length)], random.Next(1, 100000));
            var record = new LogRecord
            {
                TimeUnixNano = 1_700_000_000_000_000_000UL + ((ulong)i * 1_000_003),
                ObservedTimeUnixNano = 1_700_000_000_500_000_000UL,
                SeverityNumber = SeverityNumber.Info,
                Body = new AnyValue { StringValue = $"203.0.113.{i % 250} - - [14/Nov/2023:22:13:20 +0000] \"GET {path} HTTP/1.1\" 200 5120 \"https://example.com/\" \"{Agents[i % Agents.Length]}\"" },
            };
            record.Attributes.Add(Kv("http.request.method", i % 10 == 0 ? "POST" : "GET"));
            record.Attributes.Add(Kv("url.path", path));
            if (i % 3 == 0)
            {
                record.Attributes.Add(Kv("url.query", "page=" + (i % 7) + "&sort=desc"));
            }

            record.Attributes.Add(Kv("network.protocol.name", "http"));
            record.Attributes.Add(Kv("network.protocol.version", "1.1"));
            record.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = Statuses[i % Statuses.Length] } });
            record.Attributes.Add(new KeyValue { Key = "http.response.body.size", Value = new AnyValue { IntValue = random.Next(0, 200_000) } });
            record.Attributes.Add(Kv("client.address", "203.0.113." + (i % 250)));
            record.Attributes.Add(Kv("user_agent.original", Agents[i % Agents.Length]));
            record.Attributes.Add(Kv("http.request.header.referer", "https://example.com/page/" + (i % 20)));
            record.Attributes.Add(Kv("server.address", "www.example.com"));
            record.Attributes.Add(new KeyValue { Key = "http.server.request.duration", Value = new AnyValue { DoubleValue = random.Next(1, 3000) / 1000.0 } }); // nginx $request_time: milliseconds
            record.Attributes.Add(Kv("log.file.path", "/var/log/nginx/access.log"));
            scope.LogRecords.Add(record);
        }

        var resource = new Resource();
        resource.Attributes.Add(Kv("host.name", "web-01.example.com"));
        resource.Attributes.Add(Kv("service.name", "nginx"));
        resource.Attributes.Add(Kv("host.id", "4c4c4544-0031-3510-8052-b4c04f4d3332"));
        resource.Attributes.Add(Kv("os.type", "linux"));
        resource.Attributes.Add(Kv("service.version", "0.1.0"));
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(new ResourceLogs { Resource = resource, ScopeLogs = { scope } });
        return request;
    }

    private static KeyValue Kv(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };
}
