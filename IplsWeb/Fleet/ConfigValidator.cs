using System.Text;
using IplsCore.Configuration;

namespace IplsWeb.Fleet;

/// <summary>
/// Checks an agent config before anything is sent, with the agent's own reader (the executable form
/// of the agent's JSON schema, kept in step with it by a test): the reference adConfig.json passes,
/// bad values come back with key, value and allowed range. The agent checks again on apply (model
/// files live on the device).
/// </summary>
public sealed class ConfigValidator(Hosting.FleetSecret secret, Hosting.DashboardOptions? dashboard = null)
{
    public const int MaxBytes = AgentConfigSource.MaxBytes;

    private readonly AgentConfigSource _source = new();

    // Secrets an agent reads from its own files: the paths mean nothing on the dashboard's host.
    private static readonly (string FileKey, string Key)[] AgentSideFiles = [("fleetTokenFile", "fleetToken"), ("mqttPasswordFile", "mqttPassword")];

    /// <summary>
    /// A config without a fleet token is checked as the agent will take it: keeping its own (this
    /// fleet's) token. Secret files (<c>fleetTokenFile</c>, <c>mqttPasswordFile</c>) are read on the
    /// agent; here they are noted, not opened.
    /// </summary>
    public ConfigCheck Validate(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var notes = new List<ConfigIssue>();
        var root = ParseObject(json); // once, here; the agent's reader below reads the bytes it would be sent
        string checkedJson = WithoutAgentSideFiles(root, json, notes);
        var load = _source.Load(Encoding.UTF8.GetBytes(checkedJson), "config", new Dictionary<string, string?> { ["fleetToken"] = secret.Token });
        if (load.Settings is { } settings)
        {
            notes.AddRange(AwayFromThisDashboard(settings, RawText(root, "mqttBrokerip")));
        }

        return new ConfigCheck(load.IsValid, load.Errors, [.. load.Warnings, .. notes], load.Settings);
    }

    /// <summary>
    /// A valid config can still point the agent somewhere else (the reference's adConfig.peer.json
    /// names broker 0.0.0.0:7883 and container paths): say so before it is applied.
    /// </summary>
    private IEnumerable<ConfigIssue> AwayFromThisDashboard(AgentSettings settings, string? brokerIp)
    {
        var broker = $"{settings.Mqtt.Host}:{settings.Mqtt.Port}";
        if (brokerIp is not null && BrokerHost.ThisHostIfWildcard(brokerIp) != brokerIp)
        {
            // The agent reads a wildcard as its own host (as Paho and mosquitto do): right for a device
            // broker bridged here, away from this dashboard otherwise.
            yield return new ConfigIssue("mqttBrokerip", brokerIp, $"{brokerIp} means the agent's own host ({settings.Mqtt.Host}): its scores show here only if that host runs this dashboard or a device broker bridged to it");
        }

        if (dashboard is not null && settings.Mqtt.Port != dashboard.MqttPort)
        {
            yield return new ConfigIssue("mqttPort", settings.Mqtt.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), $"broker {broker}: this dashboard's broker listens on port {dashboard.MqttPort}; the agent's scores will not show here");
        }

        foreach (var (key, path) in new[] { ("modelPath", settings.ModelPath), ("scalerPath", settings.ScalerPath) })
        {
            if (path is not null && path.StartsWith("/workspace", StringComparison.Ordinal))
            {
                yield return new ConfigIssue(key, path, "the reference container's path: the file must exist on the agent's device (leave it out to use the bundled model)");
            }
        }
    }

    /// <summary>The document's top-level object, or null (not JSON, not an object: the reader reports those).</summary>
    private static System.Text.Json.Nodes.JsonObject? ParseObject(string json)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(json, documentOptions: new System.Text.Json.JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = System.Text.Json.JsonCommentHandling.Skip }) as System.Text.Json.Nodes.JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>A top-level string value as written, or null (absent, not a string).</summary>
    private static string? RawText(System.Text.Json.Nodes.JsonObject? root, string key) =>
        root?[key] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue(out string? text) ? text : null;

    private string WithoutAgentSideFiles(System.Text.Json.Nodes.JsonObject? root, string json, List<ConfigIssue> notes)
    {
        if (root is null)
        {
            return json;
        }

        bool changed = false;
        foreach (var (fileKey, key) in AgentSideFiles)
        {
            string? name = root.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, fileKey, StringComparison.OrdinalIgnoreCase));
            if (name is null || root.Any(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)))
            {
                continue; // absent, or given twice: the reader says "not both"
            }

            notes.Add(new ConfigIssue(fileKey, root[name]?.ToString(), "read by the agent on its own device; not checked here"));
            root.Remove(name);
            root[key] = key == "fleetToken" ? secret.Token : "checked-on-the-agent";
            changed = true;
        }

        return changed ? root.ToJsonString() : json;
    }
}

/// <summary>The outcome of <see cref="ConfigValidator.Validate"/>.</summary>
public sealed record ConfigCheck(bool Valid, IReadOnlyList<ConfigIssue> Errors, IReadOnlyList<ConfigIssue> Warnings, AgentSettings? Settings);
