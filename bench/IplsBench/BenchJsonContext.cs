using System.Text.Json.Serialization;

namespace IplsBench;

[JsonSerializable(typeof(EngineFigures))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
