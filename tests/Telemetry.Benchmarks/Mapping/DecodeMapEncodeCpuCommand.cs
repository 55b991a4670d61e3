using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Telemetry.Benchmarks.Writing;
using Telemetry.Collector.Configuration;
using Telemetry.Collector.Enrichment;
using Telemetry.Collector.Mapping;

namespace Telemetry.Benchmarks.Mapping;

/// <summary>
/// <c>dotnet run -c Release --project tests/Telemetry.Benchmarks -- decode-map-encode-cpu [requests]</c>:
/// the <see cref="DecodeMapEncodeBenchmark"/> request (512 access-log records) decoded, mapped and encoded
/// <c>requests</c> times (default 4000) on one thread after a warm-up, timed by the thread's CPU clock, so
/// the figure is what one core does even on a loaded machine. Prints CPU time per record, records per
/// CPU-second, the wall-clock rate and the load average.
/// </summary>
public static class DecodeMapEncodeCpuCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4000;
        var request = DecodeMapEncodeBenchmark.BuildRequest().ToByteArray();
        var enrichment = new EnrichmentOptions { StaticTags = new() { ["env"] = "prod" } };
        var limits = new LimitsOptions();
        var mapper = new LogsMapper(limits, new RouteTemplater(enrichment.MaxRoutes, enrichment.RouteRules), new StaticTags(enrichment.StaticTags));
        using var session = new MappingSession(limits.MaxAttributesPerRecord);

        // Warm-up: long enough for tiered compilation to reach its final code.
        var points = 0L;
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(3))
        {
            session.Reset();
            points += mapper.Map(request, session, 1_700_000_000_000_000_000).Points;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var cpu = Parsing.ThreadCpuClock.Nanoseconds();
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < requests; i++)
        {
            session.Reset();
            points += mapper.Map(request, session, 1_700_000_000_000_000_000).Points;
        }

        var cpuSeconds = (Parsing.ThreadCpuClock.Nanoseconds() - cpu) / 1e9;
        var elapsed = wall.Elapsed.TotalSeconds;
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        var records = (double)requests * DecodeMapEncodeBenchmark.Records;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"decode+map+encode: {requests} requests x {DecodeMapEncodeBenchmark.Records} records ({request.Length / DecodeMapEncodeBenchmark.Records} protobuf bytes/record): {cpuSeconds / records * 1e9:F0} ns CPU/record = {records / cpuSeconds:F0} records per CPU-second; wall {records / elapsed:F0} records/s; {allocated / records:F2} B allocated/record; load average {CollectorThroughputCommand.LoadAverage()}"));
        return points > 0 ? 0 : 1;
    }
}
