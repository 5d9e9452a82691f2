using System.Text.Json.Serialization;

namespace IplsCore.Transport.Kubo;

/// <summary>Source-generated JSON for the Kubo answers (the library is trimmed and AOT-compatible).</summary>
[JsonSourceGenerationOptions(ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow, AllowTrailingCommas = false)]
[JsonSerializable(typeof(KuboIdentity))]
[JsonSerializable(typeof(KuboVersion))]
[JsonSerializable(typeof(KuboStrings))]
[JsonSerializable(typeof(KuboBootstrapList))]
[JsonSerializable(typeof(KuboSwarmPeers))]
[JsonSerializable(typeof(KuboBlockStat))]
[JsonSerializable(typeof(KuboErrorBody))]
[JsonSerializable(typeof(KuboPubsubLine))]
internal sealed partial class KuboJsonContext : JsonSerializerContext;
