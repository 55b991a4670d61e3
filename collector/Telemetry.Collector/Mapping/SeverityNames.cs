namespace Telemetry.Collector.Mapping;

/// <summary>The short names of OTLP severity numbers (1-24), used as the <c>severity</c> tag when a record
/// has no severity text.</summary>
internal static class SeverityNames
{
    private static readonly byte[][] Names = Build();

    public static ReadOnlySpan<byte> Of(long severityNumber) =>
        severityNumber is >= 1 and <= 24 ? Names[severityNumber - 1] : default;

    private static byte[][] Build()
    {
        string[] bases = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
        var names = new byte[24][];
        for (var i = 0; i < 24; i++)
        {
            var step = i % 4;
            var name = bases[i / 4] + (step == 0 ? string.Empty : (step + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            names[i] = System.Text.Encoding.ASCII.GetBytes(name);
        }

        return names;
    }
}
