using IplsCore.Control;
using IplsWeb.Hosting;

namespace IplsWeb.Fleet;

/// <summary>What one settings change did: the reason it was refused, or each connected agent's answer.</summary>
public sealed record FleetSettingsOutcome(string? Error, IReadOnlyList<(string AgentId, CommandResult Result)> Agents)
{
    public bool Saved => Error is null;
}

/// <summary>
/// Applies a settings change everywhere it matters: the stored <see cref="RuntimeSettings"/> (the
/// fleet state follows their <see cref="RuntimeSettings.Changed"/> event) and every connected agent's
/// threshold. The Settings page calls it; nothing else orchestrates a threshold change.
/// </summary>
public sealed class FleetSettings(RuntimeSettings settings, FleetState fleet, AgentCommands commands)
{
    public async Task<FleetSettingsOutcome> ApplyAsync(double threshold, int retentionHours)
    {
        if (settings.Update(threshold, retentionHours) is { } error)
        {
            return new FleetSettingsOutcome(error, []);
        }

        var answers = new List<(string, CommandResult)>();
        foreach (var agent in fleet.Agents.Where(a => a.Connected))
        {
            var result = await commands.SetThresholdAsync(agent.Registration.AgentId, threshold).ConfigureAwait(false);
            answers.Add((agent.Registration.AgentId, result));
        }

        return new FleetSettingsOutcome(null, answers);
    }
}
