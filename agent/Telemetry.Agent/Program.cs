using Telemetry.Agent;

// telemetry-agent run|check --config agent.yaml | parse --format ... (see AgentAppCommands)
return await AgentAppCommands.RunAsync(args, Console.Out, Console.Error, AgentApp.CompileFormat);
