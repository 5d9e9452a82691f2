using IplsPeerAgent.Cli;

return await AgentCli.InvokeAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
