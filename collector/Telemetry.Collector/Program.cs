// telemetry-collector --config /etc/telemetry-collector/collector.yaml
// Receiving (OTLP gRPC + HTTP) -> Mapping -> Writing (InfluxDB); see CollectorApp and CollectorStages.
using System.Reflection;

switch (args)
{
    case ["--help"] or ["-h"]:
        Console.Out.Write(
            """
            usage: telemetry-collector [--config <collector.yaml>]

            Receives OTLP logs and metrics (gRPC, default port 4317; HTTP, default port 4318) and writes them
            to InfluxDB. Settings come from the YAML file, then from TELEMETRY_* environment variables
            (TELEMETRY_INFLUXDB__URL overrides influxdb.url). See docs/configuration.md.

              --config, -c <file>  the configuration file
              --version            print the version and exit
              --help, -h           print this help and exit

            """);
        return 0;
    case ["--version"]:
        Console.Out.WriteLine(typeof(Telemetry.Collector.CollectorApp).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
        return 0;
    default:
        return await Telemetry.Collector.CollectorApp.RunAsync(args, Console.Error);
}
