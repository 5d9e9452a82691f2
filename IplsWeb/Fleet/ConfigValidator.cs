using System.Text;
using IplsCore.Configuration;
using IplsPeerAgent.Runtime;

namespace IplsWeb.Fleet;

/// <summary>
/// Checks an agent config before anything is sent, with the agent's own reader (the executable form
/// of the agent's JSON schema, kept in step with it by a test): the reference adConfig.json passes,
/// bad values come back with key, value and allowed range. The agent checks again on apply (model
/// files live on the device).
/// </summary>
public sealed class ConfigValidator(Hosting.FleetSecret secret)
{
    public const int MaxBytes = AgentConfigSource.MaxBytes;

    private readonly AgentConfigSource _source = new();

    /// <summary>A config without a fleet token is checked as the agent will take it: keeping its own (this fleet's) token.</summary>
    public ConfigCheck Validate(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var load = _source.Load(Encoding.UTF8.GetBytes(json), "config", new Dictionary<string, string?> { ["fleetToken"] = secret.Token });
        return new ConfigCheck(load.IsValid, load.Errors, load.Warnings, load.Settings);
    }
}

/// <summary>The outcome of <see cref="ConfigValidator.Validate"/>.</summary>
public sealed record ConfigCheck(bool Valid, IReadOnlyList<ConfigIssue> Errors, IReadOnlyList<ConfigIssue> Warnings, AgentSettings? Settings);
