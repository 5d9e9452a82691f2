using System.CommandLine;
using IplsBench;

var root = new RootCommand("IPLS benchmarks. Run with -c Release; each subcommand prints a table, or JSON with --json.")
{
    EngineCommand.Create(),
    IplsBench.Federation.FederationCommand.Create(),
    IplsBench.Agent.AgentCommand.Create(),
    IplsBench.Broker.BrokerCommand.Create(),
    IplsBench.Dashboard.DashboardCommand.Create(),
    IplsBench.FleetScale.FleetScaleCommand.Create(),
    IplsBench.Ipfs.IpfsCommand.Create(),
    IplsBench.Identity.GuessingCommand.Create(),
};

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
