using System.Globalization;

namespace Telemetry.LocalRun;

/// <summary>CPU-seconds, RSS and peak RSS of a process, from /proc (Linux). Keeps its last figures once the process is gone.</summary>
internal sealed class ProcessSampler(string name, int pid)
{
    public string Name { get; } = name;
    public int Pid { get; } = pid;
    public double CpuSeconds { get; private set; }
    public long RssBytes { get; private set; }
    public long PeakRssBytes { get; private set; }
    public bool Alive { get; private set; } = true;

    public void Refresh()
    {
        if (!Alive)
        {
            return;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{Pid}/stat");
            // Fields after the command name (which may contain spaces) start after the last ')': state, ppid, ...
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] is "Z" or "X")
            {
                Alive = false; // exited, not yet reaped by its parent
                return;
            }

            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            CpuSeconds = ticks / 100.0; // USER_HZ is 100 on Linux
            foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
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
