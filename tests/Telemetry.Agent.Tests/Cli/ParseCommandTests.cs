using System.Text;
using Telemetry.Agent.Cli;

namespace Telemetry.Agent.Tests.Cli;

public class ParseCommandTests
{
    private static (int Exit, string Stdout, string Stderr) Run(string input, params string[] args)
    {
        using var stdin = new MemoryStream(Encoding.UTF8.GetBytes(input));
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        var exit = ParseCommand.Run(args, stdin, stdout, stderr);
        return (exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }

    [Fact]
    public void Apache_combined_lines_print_exact_json_per_line()
    {
        var input = "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /a?x=1 HTTP/1.0\" 200 2326 \"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"\n"
            + "garbage\r\n"
            + "::1 - - [10/Oct/2000:13:55:36 +0000] \"\\x16\\x03\" 400 - \"-\" \"-\"";
        var (exit, stdout, stderr) = Run(input, "--format", "apache");

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stderr);
        Assert.Equal(
            "{\"line\":1,\"ok\":true,\"time\":\"2000-10-10T13:55:36-07:00\",\"attributes\":{\"client.address\":\"127.0.0.1\",\"user.name\":\"frank\","
            + "\"http.request.method\":\"GET\",\"url.path\":\"/a\",\"url.query\":\"x=1\",\"network.protocol.name\":\"http\",\"network.protocol.version\":\"1.0\","
            + "\"http.response.status_code\":200,\"http.response.body.size\":2326,\"http.request.header.referer\":\"http://www.example.com/start.html\","
            + "\"user_agent.original\":\"Mozilla/4.08 [en] (Win98; I ;Nav)\"}}\n"
            + "{\"line\":2,\"ok\":false,\"error\":\"expected ' ' after %h (column 1)\"}\n"
            + "{\"line\":3,\"ok\":true,\"time\":\"2000-10-10T13:55:36+00:00\",\"attributes\":{\"client.address\":\"::1\",\"apache.request_line\":\"\\u0016\\u0003\","
            + "\"http.response.status_code\":400}}\n",
            stdout);
    }

    [Fact]
    public void Iis_directives_print_directive_objects()
    {
        var input = "#Software: Microsoft Internet Information Services 10.0\n#Fields: date time c-ip sc-status time-taken\n2020-01-01 00:00:01 10.0.0.1 200 1500\n";
        var (exit, stdout, _) = Run(input, "--format", "iis");
        Assert.Equal(0, exit);
        Assert.Equal(
            "{\"line\":1,\"ok\":true,\"directive\":\"Software\"}\n"
            + "{\"line\":2,\"ok\":true,\"directive\":\"Fields\"}\n"
            + "{\"line\":3,\"ok\":true,\"time\":\"2020-01-01T00:00:01+00:00\",\"attributes\":{\"client.address\":\"10.0.0.1\",\"http.response.status_code\":200,\"http.server.request.duration\":1.5}}\n",
            stdout);
    }

    [Fact]
    public void Nginx_custom_format_and_invalid_utf8_is_replaced()
    {
        var input = new byte[] { (byte)'1', (byte)' ', (byte)'/', 0xFF, (byte)'\n' };
        using var stdin = new MemoryStream(input);
        using var stdout = new MemoryStream();
        var exit = ParseCommand.Run(["--format=nginx", "--log-format", "$status $uri"], stdin, stdout, TextWriter.Null);
        Assert.Equal(0, exit);
        Assert.Equal("{\"line\":1,\"ok\":true,\"attributes\":{\"http.response.status_code\":1,\"url.path\":\"/\uFFFD\"}}\n", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public void Json_fields_option_maps_properties()
    {
        var (exit, stdout, _) = Run("{\"ip\":\"1.2.3.4\",\"t\":1.5}\n", "--format", "json", "--json-fields", "client.address=ip,time=t,time_format=unix");
        Assert.Equal(0, exit);
        Assert.Equal("{\"line\":1,\"ok\":true,\"time\":\"1970-01-01T00:00:01.5+00:00\",\"attributes\":{\"client.address\":\"1.2.3.4\"}}\n", stdout);
    }

    [Theory]
    [InlineData("--format", "apache", "--log-format", "%h %Q")]
    [InlineData("--format", "nginx", "--log-format", "$nope")]
    [InlineData("--format", "syslog")]
    [InlineData("--log-format", "%h")]
    [InlineData("--format", "apache", "--bogus")]
    [InlineData("--format")]
    public void Bad_format_or_arguments_exit_2_with_one_line_on_stderr(params string[] args)
    {
        var (exit, stdout, stderr) = Run("1.2.3.4\n", args);
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Single(stderr.TrimEnd('\n', '\r').Split('\n'));
        Assert.StartsWith("telemetry-agent parse: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Line_longer_than_the_read_buffer_is_parsed_whole()
    {
        var path = "/" + new string('a', 200_000);
        var (exit, stdout, _) = Run("1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET " + path + " HTTP/1.1\" 200 5 \"-\" \"-\"\n", "--format", "apache");
        Assert.Equal(0, exit);
        Assert.Contains("\"url.path\":\"" + path + "\"", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parsed_lines_are_flushed_before_waiting_for_more_input()
    {
        // Like `tail -f access.log | telemetry-agent parse`: the first line's JSON must be out before stdin ends.
        using var stdin = new GatedStream(Encoding.UTF8.GetBytes("1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\"\n"));
        using var stdout = new FlushRecordingStream();
        using var stderr = new StringWriter();
        var run = Task.Run(() => ParseCommand.Run(["--format", "apache"], stdin, stdout, stderr));

        await stdin.SecondReadStarted.WaitAsync(TimeSpan.FromSeconds(30));
        var flushedBeforeEof = stdout.Flushed;
        stdin.Release();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.StartsWith("{\"line\":1,\"ok\":true", flushedBeforeEof, StringComparison.Ordinal);
        Assert.EndsWith("}\n", flushedBeforeEof, StringComparison.Ordinal);
    }

    /// <summary>Serves its bytes on the first read, then blocks the next read until released (then EOF).</summary>
    private sealed class GatedStream(byte[] first) : Stream
    {
        private readonly TaskCompletionSource _secondReadStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim _release = new();
        private bool _served;

        public Task SecondReadStarted => _secondReadStarted.Task;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Release() => _release.Set();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (!_served)
            {
                _served = true;
                first.CopyTo(buffer, offset);
                return first.Length;
            }

            _secondReadStarted.TrySetResult();
            _release.Wait(TimeSpan.FromSeconds(60));
            return 0;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _release.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>Buffers writes; only what was written before a <see cref="Flush"/> counts as visible.</summary>
    private sealed class FlushRecordingStream : MemoryStream
    {
        private volatile string _flushed = string.Empty;

        public string Flushed => _flushed;

        public override void Flush() => _flushed = Encoding.UTF8.GetString(ToArray());
    }
}
