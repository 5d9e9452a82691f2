using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IplsCore.Configuration;

/// <summary>
/// The config keys that hold secrets. They stay on the agent: what it sends the dashboard (its
/// registration) has them removed, and a config pushed back without them keeps the agent's own
/// (<see cref="AgentConfigSource.Load"/>'s inherited keys).
/// </summary>
public static class ConfigSecrets
{
    public static readonly FrozenSet<string> Keys = FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "fleetToken", "mqttPassword");

    /// <summary>The document without its secret keys (the rest as it was); a document that is not a JSON object comes back empty.</summary>
    public static string Redact(ReadOnlySpan<byte> json)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }) as JsonObject;
        }
        catch (JsonException)
        {
            return "{}";
        }

        if (root is null)
        {
            return "{}";
        }

        foreach (string key in root.Select(p => p.Key).Where(Keys.Contains).ToArray())
        {
            root.Remove(key);
        }

        return root.ToJsonString();
    }
}
