using System.Text;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Tests.Writing;

public sealed class LineScannerTests
{
    private static string[] Split(string text)
    {
        var span = Encoding.UTF8.GetBytes(text).AsSpan();
        var lines = new List<string>();
        var start = 0;
        while (start < span.Length)
        {
            var end = LineScanner.LineEnd(span, start);
            var stop = end < 0 ? span.Length : end;
            lines.Add(Encoding.UTF8.GetString(span[start..stop]));
            start = stop + 1;
        }

        return [.. lines];
    }

    [Fact]
    public void Newlines_inside_string_fields_do_not_end_the_point()
    {
        Assert.Equal(["m s=\"a\nb\" 1", "m s=\"c\" 2"], Split("m s=\"a\nb\" 1\nm s=\"c\" 2\n"));
    }

    [Fact]
    public void Escaped_quotes_and_quotes_in_names_do_not_open_strings()
    {
        Assert.Equal(["m\"x,t=\"y f\"=1,s=\"q\\\"\n\\\\\" 1", "n v=1 2"], Split("m\"x,t=\"y f\"=1,s=\"q\\\"\n\\\\\" 1\nn v=1 2"));
    }

    [Fact]
    public void Lines_without_quotes_split_on_every_newline()
    {
        Assert.Equal(["a v=1 1", "b v=2 2", "c v=3 3"], Split("a v=1 1\nb v=2 2\nc v=3 3\n"));
    }
}
