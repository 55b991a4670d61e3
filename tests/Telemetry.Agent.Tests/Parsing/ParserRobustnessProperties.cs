using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telemetry.Agent.Parsing;

namespace Telemetry.Agent.Tests.Parsing;

/// <summary>No byte sequence makes any parser throw, and a rejected line never reaches the sink.</summary>
public class ParserRobustnessProperties
{
    private static readonly ILogParser[] Parsers =
    [
        LogFormatFactory.Create("apache", "combined", null).CreateParser(),
        LogFormatFactory.Create("apache", "%a %{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t %D %{sec}t %q %H %U %>s %I", null).CreateParser(),
        LogFormatFactory.Create("nginx", null, null).CreateParser(),
        LogFormatFactory.Create("nginx", "log_format j escape=json '{\"t\":\"$time_iso8601\",\"r\":\"$request\",\"s\":$status,\"rt\":$request_time,\"m\":$msec}';", null).CreateParser(),
        LogFormatFactory.Create("nginx", "$request_uri $server_protocol $upstream_response_time", null).CreateParser(),
        LogFormatFactory.Create("iis", null, null).CreateParser(),
        LogFormatFactory.Create("json", null, null).CreateParser(),
        LogFormatFactory.Create("json", null, new Dictionary<string, string> { ["http.response.status_code"] = "s", ["time"] = "t" }).CreateParser(),
    ];

    private static readonly byte[][] Seeds =
    [
        "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /a?b HTTP/1.0\" 200 2326 \"r\" \"u\""u8.ToArray(),
        "#Fields: date time c-ip cs(User-Agent) sc-status time-taken"u8.ToArray(),
        "2002-05-02 17:42:15 1.2.3.4 a+b 200 15"u8.ToArray(),
        "{\"t\":\"2000-10-10T13:55:36Z\",\"r\":\"GET \\\\x / HTTP/1.1\",\"s\":200,\"rt\":0.1,\"m\":1.5}"u8.ToArray(),
    ];

    public static Arbitrary<byte[]> Lines()
    {
        var random = ArbMap.Default.GeneratorFor<byte[]>();
        var mutated = Gen.Elements(Seeds).SelectMany(seed => Gen.Choose(0, seed.Length).SelectMany(cut =>
            ArbMap.Default.GeneratorFor<byte[]>().Select(noise => seed.AsSpan(0, cut).ToArray().Concat(noise).Concat(seed.AsSpan(cut).ToArray()).ToArray())));
        var truncated = Gen.Elements(Seeds).SelectMany(seed => Gen.Choose(0, seed.Length).Select(n => seed[..n]));
        return Arb.From(Gen.OneOf(random, mutated, truncated));
    }

    [Property(MaxTest = 3000, Arbitrary = [typeof(ParserRobustnessProperties)])]
    public void No_byte_sequence_makes_a_parser_throw(byte[] line)
    {
        foreach (var parser in Parsers)
        {
            var sink = new RecordingSink();
            var result = parser.Parse(line, sink);
            if (result.Status != ParseStatus.Record)
            {
                Assert.Equal(0, sink.Calls);
            }

            if (result.Status == ParseStatus.Malformed)
            {
                Assert.False(string.IsNullOrEmpty(result.Message));
            }
        }
    }
}
