using System.Text.Json.Serialization;

namespace IplsBench;

[JsonSerializable(typeof(EngineFigures))]
[JsonSerializable(typeof(Federation.FederationResults))]
[JsonSerializable(typeof(Agent.AgentFigures))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
