using BenchmarkDotNet.Running;

namespace Telemetry.Benchmarks;

public static class BenchmarkProgram
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "influx-ceiling")
        {
            return Writing.InfluxCeilingCommand.RunAsync(args, Console.Out).GetAwaiter().GetResult();
        }

        if (args.Length > 0 && args[0] == "decode-map-encode-cpu")
        {
            return Mapping.DecodeMapEncodeCpuCommand.Run(args, Console.Out);
        }

        if (args.Length > 0 && args[0] == "otlp-sink")
        {
            return Throughput.OtlpSinkCommand.RunAsync(args, Console.Out).GetAwaiter().GetResult();
        }

        if (args.Length > 0 && args[0] == "collector-throughput")
        {
            return Writing.CollectorThroughputCommand.RunAsync(args, Console.Out).GetAwaiter().GetResult();
        }

        if (args.Length > 0 && args[0] == "collector-stall")
        {
            return Writing.CollectorStallCommand.RunAsync(args, Console.Out).GetAwaiter().GetResult();
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}
