using System.Text.Json.Serialization;

namespace IplsBench;

[JsonSerializable(typeof(EngineFigures))]
[JsonSerializable(typeof(Federation.FederationResults))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
