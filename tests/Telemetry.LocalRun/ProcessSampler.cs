using System.Globalization;

namespace Telemetry.LocalRun;

/// <summary>CPU-seconds and peak RSS of a process, from /proc (Linux).</summary>
internal sealed class ProcessSampler(string name, int pid)
{
    public string Name { get; } = name;
    public double CpuSeconds { get; private set; }
    public long RssBytes { get; private set; }
    public long PeakRssBytes { get; private set; }
    public bool Alive { get; private set; } = true;

    public void Refresh()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may contain spaces) start after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            CpuSeconds = ticks / 100.0; // USER_HZ is 100 on Linux
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    RssBytes = Kilobytes(line) * 1024;
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    PeakRssBytes = Kilobytes(line) * 1024;
                }
            }
        }
        catch (IOException)
        {
            Alive = false;
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
}
