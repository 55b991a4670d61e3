using Telemetry.Agent;
using Telemetry.Agent.Tailing;

// telemetry-agent run|check --config agent.yaml ; telemetry-agent parse --format ... (see AgentAppCommands)
return await AgentAppCommands.RunAsync(
    args,
    Console.Out,
    Console.Error,
    source => new RawLineFormat(source.Format));
