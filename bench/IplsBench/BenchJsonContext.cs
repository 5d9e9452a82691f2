using System.Text.Json.Serialization;

namespace IplsBench;

[JsonSerializable(typeof(EngineFigures))]
[JsonSerializable(typeof(Federation.FederationResults))]
[JsonSerializable(typeof(Agent.AgentFigures))]
[JsonSerializable(typeof(List<Broker.BrokerFigures>))]
[JsonSerializable(typeof(List<Dashboard.DashboardFigures>))]
[JsonSerializable(typeof(Ipfs.IpfsFigures))]
[JsonSerializable(typeof(Identity.GuessingFigures))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
