using FsCheck;
using FsCheck.Xunit;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;
using Telemetry.Collector.Configuration;
using Telemetry.Collector.Enrichment;

namespace Telemetry.Collector.Tests.Mapping;

/// <summary>
/// The span-based decoder against the generated classes: random requests, serialized by Google.Protobuf,
/// must map to exactly the points the reference mapping writes from the parsed messages; any bytes, and
/// any truncation of a valid request, must map or be refused without throwing.
/// </summary>
public sealed class LogsDecoderPropertyTests
{
    private static readonly string[] Keys =
    [
        "http.request.method", "http.response.status_code", "url.path", "url.query", "client.address",
        "user_agent.original", "http.request.header.referer", "http.response.body.size",
        "http.server.request.duration", "server.address", "network.protocol.version", "log.file.path",
        "path", "bytes", "body", "trace_id", "time", "with space", "a,b=c", "ü.key", string.Empty, "x",
    ];

    private static readonly string[] Methods = ["GET", "POST", "HEAD", "PROPFIND", "get", "_OTHER"];
    private static readonly string[] Paths = ["/", "/users/123", "/a/b", "/static/app.css", "/o/3f2504e0-4f89-11d3-9a0c-0305e82c3301", "*", "/x?y=1", "http://h/p/9"];
    private static readonly string[] Agents = ["Mozilla/5.0 (X11) Firefox/120.0", "curl/8.0", "Googlebot/2.1", "-"];
    private const string Alphabet = "abcXYZ019 ,=\"\\\n\t/:é😀-_.";

    [Property(MaxTest = 300)]
    public void Decoder_writes_the_same_points_as_the_reference_mapping(int seed)
    {
        var random = new Random(seed);
        var request = RandomRequest(random);
        var bytes = request.ToByteArray();
        var enrichment = new EnrichmentOptions { MaxRoutes = 4, StaticTags = new() { ["env"] = "prod" } };

        using var harness = new MappingHarness(enrichment: enrichment);
        var actual = harness.MapLogs(bytes);
        var expected = ReferenceLogsMapper.Map(
            ExportLogsServiceRequest.Parser.ParseFrom(bytes),
            new RouteTemplater(enrichment.MaxRoutes, enrichment.RouteRules),
            new StaticTags(enrichment.StaticTags),
            MappingHarness.ReceiveNanos,
            out var received,
            out var rejected);

        Assert.Null(harness.Result.Error);
        Assert.Equal(expected, actual);
        Assert.Equal(received, harness.Result.Received);
        Assert.Equal(rejected, harness.Result.Rejected);
        Assert.Equal(received - rejected, harness.Result.Points);
    }

    [Property(MaxTest = 100)]
    public void Any_truncation_of_a_valid_request_is_refused_exactly_when_protobuf_refuses_it(int seed)
    {
        var bytes = RandomRequest(new Random(seed)).ToByteArray();
        using var harness = new MappingHarness();
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            var prefix = bytes[..cut];
            harness.MapLogs(prefix);
            var protobufRefuses = false;
            try
            {
                ExportLogsServiceRequest.Parser.ParseFrom(prefix);
            }
            catch (InvalidProtocolBufferException)
            {
                protobufRefuses = true;
            }

            Assert.True(protobufRefuses == (harness.Result.Error is not null), $"cut at {cut} of {bytes.Length}: protobuf refuses {protobufRefuses}, decoder says {harness.Result.Error ?? "ok"}");
        }
    }

    [Property(MaxTest = 1000)]
    public void Arbitrary_bytes_never_throw(byte[] bytes)
    {
        using var harness = new MappingHarness();
        var lines = harness.MapLogs(bytes ?? []);
        if (harness.Result.Error is not null)
        {
            Assert.Equal(string.Empty, lines);
            Assert.Equal(0, harness.Result.Points);
        }
    }

    [Property(MaxTest = 300)]
    public void Corrupted_requests_never_throw(int seed, byte position, byte value)
    {
        var bytes = RandomRequest(new Random(seed)).ToByteArray();
        if (bytes.Length == 0)
        {
            return;
        }

        bytes[position % bytes.Length] = value;
        using var harness = new MappingHarness();
        harness.MapLogs(bytes);
        Assert.True(harness.Result.Error is not null || harness.Result.Points + harness.Result.Rejected == harness.Result.Received);
    }

    internal static ExportLogsServiceRequest RandomRequest(Random random)
    {
        var request = new ExportLogsServiceRequest();
        for (var r = random.Next(1, 3); r > 0; r--)
        {
            var rl = new ResourceLogs();
            if (random.Next(4) > 0)
            {
                rl.Resource = new Resource();
                if (random.Next(4) > 0)
                {
                    rl.Resource.Attributes.Add(Otlp.Attr("host.name", RandomString(random, 8)));
                }

                if (random.Next(4) > 0)
                {
                    rl.Resource.Attributes.Add(Otlp.Attr("service.name", random.Next(2) == 0 ? "nginx" : "apache"));
                }

                rl.Resource.Attributes.Add(Otlp.Attr("os.type", "linux"));
            }

            for (var s = random.Next(1, 3); s > 0; s--)
            {
                var scope = new ScopeLogs { SchemaUrl = random.Next(2) == 0 ? string.Empty : "https://opentelemetry.io/schemas/1.26.0" };
                for (var n = random.Next(0, 5); n > 0; n--)
                {
                    scope.LogRecords.Add(RandomRecord(random));
                }

                rl.ScopeLogs.Add(scope);
            }

            request.ResourceLogs.Add(rl);
        }

        return request;
    }

    private static LogRecord RandomRecord(Random random)
    {
        var record = new LogRecord
        {
            TimeUnixNano = random.Next(3) switch { 0 => 0UL, 1 => (ulong)random.NextInt64(1, long.MaxValue), _ => ulong.MaxValue - 5 },
            ObservedTimeUnixNano = random.Next(2) == 0 ? 0UL : (ulong)random.NextInt64(1, long.MaxValue),
            SeverityNumber = (SeverityNumber)random.Next(-1, 27),
            SeverityText = random.Next(3) == 0 ? RandomString(random, 6) : string.Empty,
            Flags = (uint)random.Next(0, 256),
            EventName = random.Next(4) == 0 ? "app.event" : string.Empty,
        };
        if (random.Next(3) > 0)
        {
            record.Body = RandomValue(random, 0);
        }

        if (random.Next(3) == 0)
        {
            record.TraceId = ByteString.CopyFrom(RandomBytes(random, 16));
            record.SpanId = ByteString.CopyFrom(RandomBytes(random, 8));
        }

        var http = random.Next(2) == 0;
        for (var a = random.Next(0, 10); a > 0; a--)
        {
            var key = Keys[random.Next(Keys.Length)];
            record.Attributes.Add(new KeyValue { Key = key, Value = http ? TypicalValue(random, key) : RandomValue(random, 0) });
        }

        return record;
    }

    private static AnyValue TypicalValue(Random random, string key) => random.Next(6) == 0 ? RandomValue(random, 0) : key switch
    {
        "http.request.method" => new AnyValue { StringValue = Methods[random.Next(Methods.Length)] },
        "url.path" => new AnyValue { StringValue = Paths[random.Next(Paths.Length)] },
        "user_agent.original" => new AnyValue { StringValue = Agents[random.Next(Agents.Length)] },
        "http.response.status_code" => new AnyValue { IntValue = random.Next(0, 700) },
        "http.response.body.size" => new AnyValue { IntValue = random.NextInt64(0, 1L << 40) },
        "http.server.request.duration" => new AnyValue { DoubleValue = random.NextDouble() },
        _ => new AnyValue { StringValue = RandomString(random, 12) },
    };

    private static AnyValue RandomValue(Random random, int depth)
    {
        switch (random.Next(depth < 2 ? 9 : 7))
        {
            case 0: return new AnyValue { StringValue = RandomString(random, 10) };
            case 1: return new AnyValue { BoolValue = random.Next(2) == 0 };
            case 2: return new AnyValue { IntValue = random.NextInt64(long.MinValue, long.MaxValue) };
            case 3: return new AnyValue { DoubleValue = random.Next(10) == 0 ? double.NaN : (random.NextDouble() - 0.5) * 1e6 };
            case 4: return new AnyValue { BytesValue = ByteString.CopyFrom(RandomBytes(random, random.Next(0, 6))) };
            case 5: return new AnyValue();
            case 6: return new AnyValue { StringValue = string.Empty };
            case 7:
                var array = new AnyValue { ArrayValue = new ArrayValue() };
                for (var i = random.Next(0, 4); i > 0; i--)
                {
                    array.ArrayValue.Values.Add(RandomValue(random, depth + 1));
                }

                return array;
            default:
                var map = new AnyValue { KvlistValue = new KeyValueList() };
                for (var i = random.Next(0, 4); i > 0; i--)
                {
                    map.KvlistValue.Values.Add(new KeyValue { Key = RandomString(random, 4), Value = random.Next(5) == 0 ? null : RandomValue(random, depth + 1) });
                }

                return map;
        }
    }

    private static string RandomString(Random random, int maxLength)
    {
        var length = random.Next(0, maxLength + 1);
        var text = new System.Text.StringBuilder();
        var elements = System.Globalization.StringInfo.GetTextElementEnumerator(Alphabet);
        var pieces = new List<string>();
        while (elements.MoveNext())
        {
            pieces.Add((string)elements.Current);
        }

        for (var i = 0; i < length; i++)
        {
            text.Append(pieces[random.Next(pieces.Count)]);
        }

        return text.ToString();
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
