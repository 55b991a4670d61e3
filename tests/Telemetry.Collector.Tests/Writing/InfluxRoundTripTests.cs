using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Telemetry.Collector.Writing;
using Telemetry.TestKit.InfluxDb;
using static Telemetry.Collector.Tests.Writing.WritingTestKit;

namespace Telemetry.Collector.Tests.Writing;

/// <summary>
/// What the encoder writes is what a real InfluxDB 1.6.7 gives back: every awkward character in every
/// position, read back through /query, equals the input or its documented substitute
/// (docs/influxdb-schema.md, "Encoding policy").
/// </summary>
[Collection(InfluxDbFixture.CollectionName)]
public sealed class InfluxRoundTripTests(InfluxDbFixture fixture)
{
    private static readonly string[] Awkward =
    [
        "plain", "with space", "comma,here", "equals=sign", "quote\"d", "single'quote", "back\\slash", "ends\\",
        "double\\\\", "\\starts", "new\nline", "carriage\rreturn", "tab\there", "ünïcödé", "日本語", "emoji😀",
        "a\\,b", "a\\ b", "a\\=b", "  ", ",", "=", "\"", "\\", "#hash", "x\\\\\\", "nul\0char",
    ];

    private readonly InfluxDbServer _influx = fixture.Server;

    [Fact]
    public async Task Awkward_characters_in_tag_values_field_values_and_keys_read_back_as_encoded()
    {
        var db = await _influx.CreateUniqueDatabaseAsync();
        var points = new List<PointSpec>();
        var t = 1_000_000_000L;
        foreach (var text in Awkward)
        {
            // The same awkward text as tag value, field value, tag key and field key.
            points.Add(new PointSpec("rt", [("tv", text)], [("fv", text)], t++));
            points.Add(new PointSpec("rt", [("k" + text, "v")], [("f" + text, "x")], t++));
        }

        await WriteAndCompareAsync(db, points);
    }

    [Fact]
    public async Task Awkward_measurement_names_read_back_as_encoded()
    {
        var db = await _influx.CreateUniqueDatabaseAsync();
        var points = new List<PointSpec>();
        var t = 1_000_000_000L;
        foreach (var text in Awkward)
        {
            points.Add(new PointSpec("m" + text, [("h", "a")], [("v", "x")], t++));
            points.Add(new PointSpec(text, [("h", "b")], [("v", "y")], t++));
        }

        await WriteAndCompareAsync(db, points);
    }

    [Fact]
    public void Random_strings_round_trip_through_influxd_exactly_or_to_documented_substitutes()
    {
        var text = ArbMap.Default.GeneratorFor<string>().Where(s => s is not null)
            .Select(s => s.Length > 40 ? s[..40] : s);
        var awkward = Gen.Elements(Awkward);
        var anyText = Gen.Frequency((3, text), (2, awkward), (1, Gen.Elements("\\", "a\\", "\\\\", "x y", "=", ",")));
        var point = Gen.Zip(Gen.Zip(anyText, anyText), Gen.Zip(anyText, anyText));
        var points = Gen.ListOf(point).Select(l => l.Take(30).ToList());

        Prop.ForAll(points.ToArbitrary(), list =>
        {
            var db = _influx.CreateUniqueDatabaseAsync("prop").GetAwaiter().GetResult();
            var specs = new List<PointSpec>();
            var t = 1L;
            foreach (var ((tagKey, tagValue), (fieldKey, fieldValue)) in list)
            {
                // Prefixes keep tag keys, raw-tag fields and field keys apart (they share one column namespace).
                specs.Add(new PointSpec("p", [("t" + tagKey, tagValue)], [("f" + fieldKey, fieldValue)], t++));
            }

            WriteAndCompareAsync(db, specs).GetAwaiter().GetResult();
        }).QuickCheckThrowOnFailure();
    }

    private async Task WriteAndCompareAsync(string db, List<PointSpec> points)
    {
        using var buffer = new LineBuffer();
        using var encoder = new PointEncoder(buffer);
        var expected = new Dictionary<long, Expected>();
        foreach (var p in points)
        {
            encoder.Begin(p.Measurement);
            var e = new Expected(ExpectedName(p.Measurement, isKey: false), [], []);
            foreach (var (key, value) in p.Tags)
            {
                encoder.Tag(key, value);
                var v = Utf8RoundTrip(value);
                if (v.Length == 0)
                {
                    continue;
                }

                if (PointEncoder.IsStorableTagValue(Encoding.UTF8.GetBytes(v)))
                {
                    e.Tags[ExpectedName(key, isKey: true)] = v;
                }
                else
                {
                    e.Fields[ExpectedName(key, isKey: true) + "_raw"] = v;
                }
            }

            foreach (var (key, value) in p.Fields)
            {
                encoder.Field(key, value);
                e.Fields[ExpectedName(key, isKey: true)] = Utf8RoundTrip(value);
            }

            Assert.True(encoder.End(p.Time));
            expected[p.Time] = e;
        }

        var writer = Writer(V1(_influx.Url, db));
        var outcome = await writer.WriteAsync(buffer.WrittenMemory, default);
        Assert.Equal(WriteStatus.Written, outcome.Status);
        Assert.True(outcome.Rejections.Count == 0, "InfluxDB rejected: " + string.Join(" | ", outcome.Rejections.Select(r => r.Reason + " <= " + Encoding.UTF8.GetString(outcome.Batch.Span.Slice(r.Offset, r.Length)))));

        var series = await _influx.QueryAsync(db, "SELECT * FROM /.*/ GROUP BY *", "ns");
        var seen = new HashSet<long>();
        foreach (var s in series)
        {
            foreach (var row in s.Rows())
            {
                var time = row["time"].GetInt64();
                Assert.True(seen.Add(time), $"point at {time} stored twice");
                Assert.True(expected.TryGetValue(time, out var e), $"unexpected point at {time}");
                Assert.Equal(e.Measurement, s.Name);
                var tags = s.Tags.Where(kv => kv.Value.Length > 0).ToDictionary(kv => kv.Key, kv => kv.Value);
                Assert.Equal(Sorted(e.Tags), Sorted(tags));
                var fields = row.Where(kv => kv.Key != "time").ToDictionary(kv => kv.Key, kv => kv.Value.ValueKind == JsonValueKind.String ? kv.Value.GetString()! : kv.Value.GetRawText());
                Assert.Equal(Sorted(e.Fields), Sorted(fields));
            }
        }

        var missing = expected.Where(kv => !seen.Contains(kv.Key)).Select(kv => $"{kv.Key}: [{kv.Value.Measurement}] {string.Join(",", kv.Value.Tags)} {string.Join(",", kv.Value.Fields)}");
        Assert.True(expected.Count == seen.Count, "InfluxDB did not return: " + string.Join(" | ", missing));
    }

    private static SortedDictionary<string, string> Sorted(Dictionary<string, string> map) => new(map, StringComparer.Ordinal);

    private static string Utf8RoundTrip(string s) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s));

    /// <summary>The documented policy for names: control characters become '_', a backslash before a separator
    /// or at the end gets '_' after it, a measurement starting with '#' gets '_' prepended, a key named "time" becomes "time_".</summary>
    private static string ExpectedName(string name, bool isKey)
    {
        name = Utf8RoundTrip(name);
        if (isKey && name == "time")
        {
            return "time_";
        }

        var sb = new StringBuilder();
        if (!isKey && name.StartsWith('#'))
        {
            sb.Append('_');
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            sb.Append(c < 0x20 || c == 0x7F ? '_' : c);
            if (c == '\\' && (i + 1 == name.Length || name[i + 1] is ',' or ' ' or '='))
            {
                sb.Append('_');
            }
        }

        return sb.ToString();
    }

    private sealed record PointSpec(string Measurement, (string Key, string Value)[] Tags, (string Key, string Value)[] Fields, long Time);

    private sealed record Expected(string Measurement, Dictionary<string, string> Tags, Dictionary<string, string> Fields);
}
