using System.Runtime.Versioning;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Telemetry.Agent.Configuration;
using Telemetry.Agent.HostMetrics;
using Telemetry.Agent.HostMetrics.Linux;

namespace Telemetry.Benchmarks.HostMetrics;

/// <summary>
/// Cost of one reading of the host on Linux (all families, and CPU only), and of parsing a recorded /proc/stat
/// of a 64-CPU host. Allocations per reading are part of the result: a steady host should allocate almost nothing.
/// Run: dotnet run -c Release --project tests/Telemetry.Benchmarks -- --filter '*HostSampler*'
/// </summary>
[MemoryDiagnoser]
[SupportedOSPlatform("linux")]
public class HostSamplerBenchmarks
{
    private readonly HostSnapshot _snapshot = new();
    private LinuxHostSampler _all = null!;
    private LinuxHostSampler _cpuOnly = null!;
    private byte[] _stat64 = [];

    [GlobalSetup]
    public void Setup()
    {
        _all = new LinuxHostSampler(new HostMetricsOptions { PerCpu = true }, NullLogger.Instance);
        _cpuOnly = new LinuxHostSampler(
            new HostMetricsOptions { Memory = false, Load = false, Disk = false, Filesystem = false, Network = false, Paging = false, Processes = false, Uptime = false },
            NullLogger.Instance);
        var text = new System.Text.StringBuilder("cpu  4602100 120 2259800 315539200 88300 0 69800 0 0 0\n");
        for (var i = 0; i < 64; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"cpu{i} 7190{i} 2 35309 4930300 1379 0 1090 0 0 0\n");
        }

        text.Append("intr 997214 0 0 0\nctxt 2519944\nbtime 1795862187\nprocesses 19055\nprocs_running 4\nprocs_blocked 0\n");
        _stat64 = System.Text.Encoding.ASCII.GetBytes(text.ToString());
        _all.Sample(_snapshot);
    }

    [Benchmark]
    public int Read_every_family()
    {
        _snapshot.Clear();
        _all.Sample(_snapshot);
        return _snapshot.Filesystems.Count + _snapshot.Networks.Count;
    }

    [Benchmark]
    public int Read_cpu_only()
    {
        _snapshot.Clear();
        _cpuOnly.Sample(_snapshot);
        return _snapshot.PerCpuCount;
    }

    [Benchmark]
    public int Parse_proc_stat_of_64_cpus()
    {
        _snapshot.Clear();
        ProcStatParser.Parse(_stat64, 100, _snapshot, perCpu: true);
        return _snapshot.PerCpuCount;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _all.Dispose();
        _cpuOnly.Dispose();
    }
}
