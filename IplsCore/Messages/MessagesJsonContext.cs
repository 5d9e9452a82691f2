using System.Text.Json.Serialization;

namespace IplsCore.Messages;

[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class MessagesJsonContext : JsonSerializerContext;
