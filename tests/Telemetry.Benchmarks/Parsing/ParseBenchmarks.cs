using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Telemetry.Agent.Parsing;

namespace Telemetry.Benchmarks.Parsing;

/// <summary>
/// Parse throughput per core and allocations per line, into a sink that does nothing (so the figures are
/// the parser's alone). Each invocation parses <see cref="Lines"/> distinct realistic lines.
/// Run: <c>dotnet run -c Release --project tests/Telemetry.Benchmarks -- --filter '*ParseBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    public const int Lines = 1000;

    /// <summary>A long custom Apache format: 22 directives.</summary>
    public const string LongApacheFormat =
        "%v:%p %a %{c}a %l %u [%{%d/%b/%Y:%H:%M:%S}t.%{msec_frac}t %{%z}t] \\\"%r\\\" %>s %b %I %O %D %{ms}T %k %L %{X-Request-Id}i \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\" %{Content-Type}o %P";

    private static readonly string[] Paths = ["/", "/index.html", "/api/v1/users/12345", "/static/css/site.min.css", "/search", "/img/logo.png"];
    private static readonly string[] Agents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/8.5.0",
    ];

    private byte[][] _apacheCombined = [];
    private byte[][] _apacheLong = [];
    private byte[][] _nginxCombined = [];
    private byte[][] _iis = [];
    private byte[][] _json = [];
    private ILogParser _apacheCombinedParser = null!;
    private ILogParser _apacheLongParser = null!;
    private ILogParser _nginxParser = null!;
    private ILogParser _iisParser = null!;
    private ILogParser _jsonParser = null!;
    private readonly NoopSink _sink = new();

    [GlobalSetup]
    public void Setup()
    {
        _apacheCombinedParser = LogFormatFactory.Create("apache", "combined", null).CreateParser();
        _apacheLongParser = LogFormatFactory.Create("apache", LongApacheFormat, null).CreateParser();
        _nginxParser = LogFormatFactory.Create("nginx", null, null).CreateParser();
        _iisParser = LogFormatFactory.Create("iis", null, null).CreateParser();
        _jsonParser = LogFormatFactory.Create("json", null, new Dictionary<string, string>
        {
            ["client.address"] = "remote_addr", ["http.request.method"] = "method", ["url.path"] = "uri",
            ["http.response.status_code"] = "status", ["http.response.body.size"] = "bytes",
            ["http.server.request.duration"] = "request_time", ["user_agent.original"] = "ua", ["time"] = "time",
        }).CreateParser();

        _apacheCombined = Make(i => $"10.{i % 256}.{i / 256 % 256}.7 - - [10/Oct/2023:13:{i / 60 % 60:00}:{i % 60:00} +0200] \"GET {Path(i)}?page={i} HTTP/1.1\" 200 {1000 + i} \"https://www.example.com/start\" \"{Agent(i)}\"");
        _apacheLong = Make(i => $"www.example.com:443 10.0.0.{i % 256} 192.168.0.1 - - [10/Oct/2023:13:55:{i % 60:00}.{i % 1000:000} +0200] \"POST {Path(i)}?id={i} HTTP/2.0\" 201 {i} 812 {2000 + i} {1500 + i} {i % 100} {i % 5} ZX{i:x8} req-{i} \"https://www.example.com/\" \"{Agent(i)}\" application/json 4242");
        _nginxCombined = Make(i => $"2001:db8::{i % 65536:x} - - [10/Oct/2023:13:55:{i % 60:00} +0000] \"GET {Path(i)} HTTP/1.1\" {(i % 10 == 0 ? 404 : 200)} {i * 3} \"-\" \"{Agent(i)}\"");
        _iis = Make(i => $"2023-10-10 13:55:{i % 60:00} 10.0.0.4 GET {Path(i)} id={i} 443 - 203.0.113.{i % 256} {Agent(i).Replace(' ', '+')} https://www.contoso.com/ 200 0 0 {i % 500}");
        _json = Make(i => $"{{\"time\":\"2023-10-10T13:55:{i % 60:00}+00:00\",\"remote_addr\":\"10.0.0.{i % 256}\",\"method\":\"GET\",\"uri\":\"{Path(i)}\",\"status\":200,\"bytes\":{i},\"request_time\":0.{i % 1000:000},\"ua\":\"{Agent(i)}\"}}");

        // The IIS parser starts from the default field list; make sure every prepared line parses.
        foreach (var (parser, lines) in new[] { (_apacheCombinedParser, _apacheCombined), (_apacheLongParser, _apacheLong), (_nginxParser, _nginxCombined), (_iisParser, _iis), (_jsonParser, _json) })
        {
            foreach (var line in lines)
            {
                var result = parser.Parse(line, _sink);
                if (result.Status != ParseStatus.Record)
                {
                    throw new InvalidOperationException(Encoding.UTF8.GetString(line) + " -> " + result.Message);
                }
            }
        }
    }

    /// <summary>Prints CPU nanoseconds per line for each format (thread CPU time over 200 passes), the
    /// figure docs/performance.md quotes: it holds on a loaded machine where wall-clock means do not.</summary>
    [GlobalCleanup]
    public void PrintCpuCost()
    {
        foreach (var (name, parser, lines) in new[]
        {
            ("ApacheCombined", _apacheCombinedParser, _apacheCombined), ("ApacheLongCustom", _apacheLongParser, _apacheLong),
            ("NginxCombined", _nginxParser, _nginxCombined), ("IisW3c", _iisParser, _iis), ("JsonLines", _jsonParser, _json),
        })
        {
            Run(parser, lines);
            var before = ThreadCpuClock.Nanoseconds();
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            const int Passes = 200;
            for (var p = 0; p < Passes; p++)
            {
                Run(parser, lines);
            }

            var perLine = (double)(ThreadCpuClock.Nanoseconds() - before) / (Passes * Lines);
            var bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / (Passes * Lines);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"// cpu {name}: {perLine:F0} ns/line, {1e9 / perLine / 1e6:F2} M lines/s per core, {bytes:F2} B allocated/line"));
        }
    }

    [Benchmark(OperationsPerInvoke = Lines, Baseline = true)]
    public int ApacheCombined() => Run(_apacheCombinedParser, _apacheCombined);

    [Benchmark(OperationsPerInvoke = Lines)]
    public int ApacheLongCustom() => Run(_apacheLongParser, _apacheLong);

    [Benchmark(OperationsPerInvoke = Lines)]
    public int NginxCombined() => Run(_nginxParser, _nginxCombined);

    [Benchmark(OperationsPerInvoke = Lines)]
    public int IisW3c() => Run(_iisParser, _iis);

    [Benchmark(OperationsPerInvoke = Lines)]
    public int JsonLines() => Run(_jsonParser, _json);

    private int Run(ILogParser parser, byte[][] lines)
    {
        var ok = 0;
        foreach (var line in lines)
        {
            if (parser.Parse(line, _sink).Status == ParseStatus.Record)
            {
                ok++;
            }
        }

        return ok + _sink.Count;
    }

    private static string Path(int i) => Paths[i % Paths.Length];

    private static string Agent(int i) => Agents[i % Agents.Length];

    private static byte[][] Make(Func<int, string> line)
    {
        var lines = new byte[Lines][];
        for (var i = 0; i < Lines; i++)
        {
            lines[i] = Encoding.UTF8.GetBytes(line(i));
        }

        return lines;
    }

    /// <summary>Touches every value so nothing is optimised away, keeps nothing.</summary>
    private sealed class NoopSink : IRecordSink
    {
        public int Count { get; private set; }

        public void Time(in LogTime time) => Count += (int)(time.UnixNanos & 1);

        public void String(AttributeKey key, ReadOnlySpan<byte> utf8Value) => Count += utf8Value.Length;

        public void Int(AttributeKey key, long value) => Count += (int)value;

        public void Double(AttributeKey key, double value) => Count += value > 0 ? 1 : 0;
    }
}
