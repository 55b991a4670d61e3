// telemetry-collector --config /etc/telemetry-collector/collector.yaml
// Receiving (OTLP gRPC + HTTP) -> Mapping -> Writing (InfluxDB); see CollectorApp and CollectorStages.
return await Telemetry.Collector.CollectorApp.RunAsync(args, Console.Error);
