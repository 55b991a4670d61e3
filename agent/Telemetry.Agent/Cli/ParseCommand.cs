using System.Buffers;
using Telemetry.Agent.Parsing;

namespace Telemetry.Agent.Cli;

/// <summary>
/// <c>telemetry-agent parse --format apache|nginx|iis|json [--log-format '...'] [--json-fields k=v,...]</c>:
/// reads lines from stdin and prints, per line and in order, one JSON object with exactly the attributes
/// the agent would send. Exit code 0 when every line parsed, 1 when some line was malformed, 2 for a bad
/// command line or format (one line on stderr).
/// </summary>
public static class ParseCommand
{
    private const string Usage =
        "usage: telemetry-agent parse --format apache|nginx|iis|json [--log-format '<LogFormat/log_format string>'] [--json-fields attribute=property,...]";

    public static int Run(string[] args, Stream stdin, Stream stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        string? format = null;
        string? logFormat = null;
        Dictionary<string, string>? jsonFields = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? inline = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            if (arg is "-h" or "--help")
            {
                stderr.WriteLine(Usage);
                return 0;
            }

            if (arg is not ("--format" or "--log-format" or "--json-fields"))
            {
                stderr.WriteLine("telemetry-agent parse: unknown argument " + args[i] + "; " + Usage);
                return 2;
            }

            var value = inline;
            if (value is null)
            {
                if (i + 1 >= args.Length)
                {
                    stderr.WriteLine("telemetry-agent parse: " + arg + " needs a value; " + Usage);
                    return 2;
                }

                value = args[++i];
            }

            switch (arg)
            {
                case "--format":
                    format = value;
                    break;
                case "--log-format":
                    logFormat = value;
                    break;
                default:
                    jsonFields = ParseJsonFields(value, out var error);
                    if (jsonFields is null)
                    {
                        stderr.WriteLine("telemetry-agent parse: --json-fields " + error);
                        return 2;
                    }

                    break;
            }
        }

        if (format is null)
        {
            stderr.WriteLine("telemetry-agent parse: --format is required; " + Usage);
            return 2;
        }

        ILogFormat compiled;
        try
        {
            compiled = LogFormatFactory.Create(format, logFormat, jsonFields);
        }
        catch (LogFormatException e)
        {
            stderr.WriteLine("telemetry-agent parse: " + e.Message);
            return 2;
        }

        return Parse(compiled.CreateParser(), stdin, stdout);
    }

    private static int Parse(ILogParser parser, Stream stdin, Stream stdout)
    {
        var output = new ArrayBufferWriter<byte>(4096);
        using var sink = new JsonRecordSink(output);
        var anyMalformed = false;
        long lineNumber = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var filled = 0;
        var eof = false;
        try
        {
            while (!eof || filled > 0)
            {
                var start = 0;
                while (true)
                {
                    var newline = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n');
                    int end;
                    int next;
                    if (newline >= 0)
                    {
                        end = start + newline;
                        next = end + 1;
                    }
                    else if (eof && filled > start)
                    {
                        end = filled;
                        next = filled;
                    }
                    else
                    {
                        break;
                    }

                    var line = buffer.AsSpan(start, end - start);
                    if (!line.IsEmpty && line[^1] == (byte)'\r')
                    {
                        line = line[..^1];
                    }

                    sink.BeginLine(++lineNumber);
                    var result = parser.Parse(line, sink);
                    switch (result.Status)
                    {
                        case ParseStatus.Record:
                            sink.EndRecord();
                            break;
                        case ParseStatus.Directive:
                            sink.WriteDirective(result.Message ?? string.Empty);
                            break;
                        default:
                            anyMalformed = true;
                            sink.WriteMalformed(result.Message ?? "malformed");
                            break;
                    }

                    output.Write("\n"u8);
                    start = next;
                }

                // One write per chunk read (not per line), flushed before waiting for more input.
                if (output.WrittenCount > 0)
                {
                    stdout.Write(output.WrittenSpan);
                    stdout.Flush();
                    output.ResetWrittenCount();
                }

                // Keep the partial line at the front; grow when one line fills the buffer.
                var remaining = filled - start;
                if (start > 0)
                {
                    buffer.AsSpan(start, remaining).CopyTo(buffer);
                }
                else if (remaining == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, remaining).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                filled = remaining;
                if (eof)
                {
                    break;
                }

                var read = stdin.Read(buffer, filled, buffer.Length - filled);
                if (read == 0)
                {
                    eof = true;
                }

                filled += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        stdout.Flush();
        return anyMalformed ? 1 : 0;
    }

    /// <summary><c>client.address=ip,time=ts,time_format=unix</c>.</summary>
    private static Dictionary<string, string>? ParseJsonFields(string value, out string error)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == pair.Length - 1)
            {
                error = "expects attribute=property pairs separated by commas, got '" + pair + "'";
                return null;
            }

            fields[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }

        error = string.Empty;
        return fields;
    }
}
