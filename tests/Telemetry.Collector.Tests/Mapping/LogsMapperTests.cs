using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using Telemetry.Collector.Configuration;
using static Telemetry.Collector.Tests.Mapping.Otlp;

namespace Telemetry.Collector.Tests.Mapping;

public sealed class LogsMapperTests
{
    private const ulong Time = 1_700_000_000_123_456_789;

    [Fact]
    public void Access_log_record_becomes_an_http_requests_point_with_schema_tags_and_fields()
    {
        using var harness = new MappingHarness();
        var lines = harness.MapLogs(Bytes(Request(Record(Time, AccessLogAttributes()))));

        Assert.Equal(
            "http_requests,host=web-1,service=nginx,method=GET,status=200,status_class=2xx,ua_class=browser,route=/users/{id} "
            + "path=\"/users/123\",query=\"page=2\",client=\"203.0.113.7\",user_agent=\"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0\","
            + "referer=\"https://example.com/\",status_code=200i,bytes=5120i,network.protocol.version=\"1.1\","
            + "log.file.path=\"/var/log/nginx/access.log\" 1700000000123456789\n",
            lines);
        Assert.Equal(1, harness.Result.Received);
        Assert.Equal(1, harness.Result.Points);
        Assert.Equal(0, harness.Result.Rejected);
        Assert.Null(harness.Result.Error);
    }

    [Fact]
    public void Vhost_duration_and_static_tags_are_written()
    {
        var enrichment = new EnrichmentOptions { StaticTags = new() { ["env"] = "prod", ["dc"] = "fra1" } };
        using var harness = new MappingHarness(enrichment: enrichment);
        var lines = harness.MapLogs(Bytes(Request(Record(
            Time,
            Attr("http.request.method", "POST"),
            Attr("server.address", "shop.example.com"),
            Attr("url.path", "/cart"),
            Attr("http.response.status_code", 503L),
            Attr("http.server.request.duration", 0.25)))));

        Assert.Equal(
            "http_requests,host=web-1,service=nginx,vhost=shop.example.com,method=POST,status=503,status_class=5xx,route=/cart,dc=fra1,env=prod "
            + "path=\"/cart\",status_code=503i,duration=0.25 1700000000123456789\n",
            lines);
    }

    [Theory]
    [InlineData("PROPFIND")]
    [InlineData("get")]
    [InlineData("_OTHER")]
    public void Unknown_method_is_folded_to_OTHER_and_kept_as_method_original(string method)
    {
        using var harness = new MappingHarness();
        var lines = harness.MapLogs(Bytes(Request(Record(Time, Attr("http.request.method", method), Attr("http.response.status_code", 207L)))));

        Assert.Equal(
            $"http_requests,host=web-1,service=nginx,method=OTHER,status=207,status_class=2xx status_code=207i,method_original=\"{method}\" 1700000000123456789\n",
            lines);
    }

    [Fact]
    public void Status_outside_100_to_599_has_class_other()
    {
        using var harness = new MappingHarness();
        var lines = harness.MapLogs(Bytes(Request(Record(Time, Attr("http.response.status_code", 0L)))));
        Assert.StartsWith("http_requests,host=web-1,service=nginx,status=0,status_class=other status_code=0i", lines);
    }

    [Fact]
    public void Record_with_only_url_path_is_an_http_request()
    {
        using var harness = new MappingHarness();
        var lines = harness.MapLogs(Bytes(Request(Record(Time, Attr("url.path", "/")))));
        Assert.Equal("http_requests,host=web-1,service=nginx,route=/ path=\"/\" 1700000000123456789\n", lines);
    }

    [Fact]
    public void Known_attribute_with_an_unexpected_type_keeps_its_own_name_and_type()
    {
        using var harness = new MappingHarness();
        var lines = harness.MapLogs(Bytes(Request(Record(Time, Attr("http.request.method", "GET"), Attr("http.response.status_code", "200"), Attr("url.path", 5L)))));
        Assert.Equal(
            "http_requests,host=web-1,service=nginx,method=GET http.response.status_code=\"200\",url.path=5i 1700000000123456789\n",
            lines);
    }

    [Fact]
    public void Attribute_named_like_a_schema_field_is_suffixed_with_attr()
    {
        using var harness = new MappingHarness();
        var lines = harness.MapLogs(Bytes(Request(Record(Time, Attr("url.path", "/a"), Attr("path", "x"), Attr("bytes", 3L)))));
        Assert.Equal("http_requests,host=web-1,service=nginx,route=/a path=\"/a\",path_attr=\"x\",bytes_attr=3i 1700000000123456789\n", lines);
    }

    [Fact]
    public void Repeated_attribute_key_keeps_the_first_value()
    {
        using var harness = new MappingHarness();
        var lines = harness.MapLogs(Bytes(Request(Record(Time, Attr("url.path", "/a"), Attr("url.path", "/b"), Attr("x", 1L), Attr("x", 2L)))));
        Assert.Equal("http_requests,host=web-1,service=nginx,route=/a path=\"/a\",x=1i 1700000000123456789\n", lines);
    }

    [Fact]
    public void Plain_log_record_becomes_a_logs_point_with_severity_body_and_trace_ids()
    {
        using var harness = new MappingHarness();
        var record = Record(Time, Attr("code.function", "Main"), Attr("retries", 3L), Attr("ok", true), Attr("ratio", 0.5));
        record.SeverityText = "ERROR";
        record.Body = new AnyValue { StringValue = "disk \"full\"\non /var" };
        record.TraceId = ByteString.CopyFrom(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray());
        record.SpanId = ByteString.CopyFrom([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3]);
        var lines = harness.MapLogs(Bytes(Request(record)));

        Assert.Equal(
            "logs,host=web-1,service=nginx,severity=ERROR body=\"disk \\\"full\\\"\non /var\",code.function=\"Main\",retries=3i,ok=true,ratio=0.5,"
            + "trace_id=\"0102030405060708090a0b0c0d0e0f10\",span_id=\"deadbeef00010203\" 1700000000123456789\n",
            lines);
    }

    [Fact]
    public void Severity_number_names_the_severity_when_text_is_absent()
    {
        using var harness = new MappingHarness();
        var record = Record(Time);
        record.SeverityNumber = SeverityNumber.Warn2;
        record.Body = new AnyValue { StringValue = "x" };
        Assert.Equal("logs,host=web-1,service=nginx,severity=WARN2 body=\"x\" 1700000000123456789\n", harness.MapLogs(Bytes(Request(record))));
    }

    [Fact]
    public void Array_and_kvlist_values_are_written_as_json_text()
    {
        using var harness = new MappingHarness();
        var array = new AnyValue { ArrayValue = new ArrayValue() };
        array.ArrayValue.Values.Add(new AnyValue { StringValue = "a\"b" });
        array.ArrayValue.Values.Add(new AnyValue { IntValue = -7 });
        array.ArrayValue.Values.Add(new AnyValue { DoubleValue = double.NaN });
        array.ArrayValue.Values.Add(new AnyValue { BoolValue = false });
        var map = new AnyValue { KvlistValue = new KeyValueList() };
        map.KvlistValue.Values.Add(Attr("k", "v\n"));
        map.KvlistValue.Values.Add(Attr("nested", array));
        map.KvlistValue.Values.Add(Attr("bytes", new AnyValue { BytesValue = ByteString.CopyFrom([1, 2, 3]) }));
        var record = Record(Time, Attr("list", array));
        record.Body = map;

        var lines = harness.MapLogs(Bytes(Request(record)));

        Assert.Equal(
            "logs,host=web-1,service=nginx body=\"{\\\"k\\\":\\\"v\\\\n\\\",\\\"nested\\\":[\\\"a\\\\\\\"b\\\",-7,null,false],\\\"bytes\\\":\\\"AQID\\\"}\","
            + "list=\"[\\\"a\\\\\\\"b\\\",-7,null,false]\" 1700000000123456789\n",
            lines);
    }

    [Fact]
    public void Time_falls_back_to_observed_time_then_to_receive_time()
    {
        using var harness = new MappingHarness();
        var observed = Record(0, Attr("url.path", "/o"));
        observed.ObservedTimeUnixNano = 42;
        var none1 = Record(0, Attr("url.path", "/n"));
        var none2 = Record(0, Attr("url.path", "/n"));
        var lines = harness.MapLogs(Bytes(Request(observed, none1, none2))).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.EndsWith(" 42", lines[0]);
        Assert.EndsWith(" " + (MappingHarness.ReceiveNanos + 1), lines[1]);
        Assert.EndsWith(" " + (MappingHarness.ReceiveNanos + 2), lines[2]);
    }

    [Fact]
    public void Strings_longer_than_max_string_length_are_cut_on_a_character_boundary_and_counted()
    {
        using var harness = new MappingHarness(new LimitsOptions { MaxStringLength = 16 });
        var lines = harness.MapLogs(Bytes(Request(Record(Time, Attr("url.path", "/" + new string('a', 14) + "é…"), Attr("note", "short")))));

        // 15 ASCII bytes then 'é' (2 bytes) would make 17: the cut falls before it.
        Assert.Equal("http_requests,host=web-1,service=nginx,route=/aaaaaaaaaaaaaa path=\"/aaaaaaaaaaaaaa\",note=\"short\" 1700000000123456789\n", lines);
        Assert.Equal(1, harness.Result.Truncated);
    }

    [Fact]
    public void Record_over_max_attributes_is_rejected_and_the_rest_is_stored()
    {
        using var harness = new MappingHarness(new LimitsOptions { MaxAttributesPerRecord = 3 });
        var lines = harness.MapLogs(Bytes(Request(
            Record(Time, Attr("url.path", "/ok")),
            Record(Time + 1, Attr("a", 1L), Attr("b", 2L), Attr("c", 3L), Attr("d", 4L)))));

        Assert.Equal("http_requests,host=web-1,service=nginx,route=/ok path=\"/ok\" 1700000000123456789\n", lines);
        Assert.Equal(2, harness.Result.Received);
        Assert.Equal(1, harness.Result.Points);
        Assert.Equal(1, harness.Result.Rejected);
        Assert.Equal("a log record has 4 attributes, more than limits.max_attributes_per_record (3)", harness.Result.RejectionMessage);
    }

    [Fact]
    public void Request_over_max_records_is_refused_whole()
    {
        using var harness = new MappingHarness(new LimitsOptions { MaxRecordsPerRequest = 2 });
        var lines = harness.MapLogs(Bytes(Request(Record(Time, Attr("url.path", "/1")), Record(Time, Attr("url.path", "/2")), Record(Time, Attr("url.path", "/3")))));

        Assert.Equal(string.Empty, lines);
        Assert.Equal(
            "the request holds more than 2 log records (limits.max_records_per_request); split it into smaller batches",
            harness.Result.Error);
    }

    [Fact]
    public void Resource_after_scope_logs_on_the_wire_still_gives_host_and_service()
    {
        using var harness = new MappingHarness();
        var request = Request(Record(Time, Attr("url.path", "/")));
        var rl = request.ResourceLogs[0];
        // ResourceLogs { scope_logs (2) ..., resource (1) ... } in reverse field order.
        var reversed = Concat(Field(2, rl.ScopeLogs[0].ToByteArray()), Field(1, rl.Resource.ToByteArray()));
        var lines = harness.MapLogs(Field(1, reversed));
        Assert.Equal("http_requests,host=web-1,service=nginx,route=/ path=\"/\" 1700000000123456789\n", lines);
    }

    [Fact]
    public void Unknown_fields_of_every_wire_type_are_skipped()
    {
        using var harness = new MappingHarness();
        var record = Record(Time, Attr("url.path", "/")).ToByteArray();
        byte[] unknown =
        [
            .. Tag(100, 0), 0x96, 0x01, // varint
            .. Tag(101, 1), 1, 2, 3, 4, 5, 6, 7, 8, // fixed64
            .. Tag(102, 2), 3, 9, 9, 9, // length-delimited
            .. Tag(103, 3), .. Tag(1, 0), 5, .. Tag(103, 4), // group with a varint inside
            .. Tag(104, 5), 1, 2, 3, 4, // fixed32
        ];
        var scope = Concat(unknown, Field(2, Concat(unknown, record, unknown)), unknown);
        var resourceLogs = Concat(Field(1, new OpenTelemetry.Proto.Resource.V1.Resource { Attributes = { Attr("host.name", "h") } }.ToByteArray()), unknown, Field(2, scope));
        var lines = harness.MapLogs(Concat(unknown, Field(1, resourceLogs), unknown));

        Assert.Null(harness.Result.Error);
        Assert.Equal("http_requests,host=h,route=/ path=\"/\" 1700000000123456789\n", lines);
    }

    [Fact]
    public void Truncated_varint_is_refused_with_its_position()
    {
        using var harness = new MappingHarness();
        harness.MapLogs([0x0A, 0x02, 0x12, 0x80]);
        Assert.Equal("ExportLogsServiceRequest.resource_logs[0]: truncated varint at byte 3", harness.Result.Error);

        harness.MapLogs([0x0A, 0x01, 0x80]);
        Assert.Equal("ExportLogsServiceRequest.resource_logs[0]: truncated varint at byte 2", harness.Result.Error);
    }

    [Fact]
    public void Length_past_the_end_is_refused()
    {
        using var harness = new MappingHarness();
        var bytes = Bytes(Request(Record(Time, AccessLogAttributes())));
        harness.MapLogs(bytes[..^3]);
        Assert.StartsWith("ExportLogsServiceRequest: length ", harness.Result.Error);
        Assert.Contains("runs past the end of the enclosing message at byte 1", harness.Result.Error);
        Assert.Equal(0, harness.Result.Points);
    }

    [Fact]
    public void Known_field_with_wrong_wire_type_is_refused()
    {
        using var harness = new MappingHarness();
        // LogRecord.time_unix_nano (field 1) sent as a varint instead of fixed64.
        var record = Concat(Tag(1, 0), [0x05]);
        var lines = harness.MapLogs(Field(1, Field(2, Field(2, record))));
        Assert.Equal(string.Empty, lines);
        Assert.Equal("ExportLogsServiceRequest.resource_logs[0].scope_logs[0].log_records[0]: field 1 has wire type 0, expected 1 at byte 7", harness.Result.Error);
    }

    [Fact]
    public void Values_nested_too_deep_are_refused()
    {
        using var harness = new MappingHarness();
        var value = new AnyValue { StringValue = "leaf" };
        for (var i = 0; i < 40; i++)
        {
            var array = new AnyValue { ArrayValue = new ArrayValue() };
            array.ArrayValue.Values.Add(value);
            value = array;
        }

        harness.MapLogs(Bytes(Request(Record(Time, Attr("deep", value)))));
        Assert.NotNull(harness.Result.Error);
        Assert.Contains("values nested deeper than 32", harness.Result.Error);
    }

    [Fact]
    public void Empty_request_maps_to_nothing()
    {
        using var harness = new MappingHarness();
        Assert.Equal(string.Empty, harness.MapLogs([]));
        Assert.Null(harness.Result.Error);
        Assert.Equal(0, harness.Result.Received);
    }

    [Fact]
    public void Mapping_a_batch_whose_routes_are_known_allocates_nothing()
    {
        using var harness = new MappingHarness();
        var records = Enumerable.Range(0, 256).Select(i => Record(Time + (ulong)i, AccessLogAttributes(path: "/users/" + i, status: 200 + (i % 5)))).ToArray();
        var bytes = Bytes(Request(records));
        harness.MapLogs(bytes); // first sight of the routes, buffers grow

        var session = new Telemetry.Collector.Mapping.MappingSession(128);
        harness.Logs.Map(bytes, session, MappingHarness.ReceiveNanos);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = harness.Logs.Map(bytes, session, MappingHarness.ReceiveNanos);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        session.Dispose();

        Assert.Equal(256, result.Points);
        Assert.Equal(0, allocated);
    }

    internal static byte[] Tag(int field, int wireType)
    {
        var tag = (uint)((field << 3) | wireType);
        var bytes = new List<byte>();
        while (tag >= 0x80)
        {
            bytes.Add((byte)(tag | 0x80));
            tag >>= 7;
        }

        bytes.Add((byte)tag);
        return [.. bytes];
    }

    internal static byte[] Field(int field, byte[] payload)
    {
        var length = new List<byte>();
        var n = (uint)payload.Length;
        while (n >= 0x80)
        {
            length.Add((byte)(n | 0x80));
            n >>= 7;
        }

        length.Add((byte)n);
        return [.. Tag(field, 2), .. length, .. payload];
    }

    internal static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
