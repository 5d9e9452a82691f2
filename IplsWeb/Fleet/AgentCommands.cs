using IplsCore.Control;
using IplsWeb.Hubs;
using Microsoft.AspNetCore.SignalR;

namespace IplsWeb.Fleet;

/// <summary>Sends the typed agent commands over the hub and records each as an event with its answer.</summary>
public sealed class AgentCommands(IHubContext<AgentHub, IAgentClient> hub, FleetState fleet)
{
    public Task<CommandResult> StartAsync(string agentId) => SendAsync(agentId, "start", c => c.StartAgent());

    public Task<CommandResult> StopAsync(string agentId) => SendAsync(agentId, "stop", c => c.StopAgent());

    public Task<CommandResult> RestartAsync(string agentId) => RestartingAsync(agentId, () => SendAsync(agentId, "restart", c => c.RestartAgent()));

    public Task<CommandResult> ApplyConfigAsync(string agentId, string json) => RestartingAsync(agentId, () => SendAsync(agentId, "apply config", c => c.ApplyConfig(json)));

    public Task<CommandResult> SetGeneratorModeAsync(string agentId, string mode) => SendAsync(agentId, "generator " + mode, c => c.SetGeneratorMode(mode));

    public Task<CommandResult> SetThresholdAsync(string agentId, double threshold) =>
        SendAsync(agentId, "threshold " + threshold.ToString(System.Globalization.CultureInfo.InvariantCulture), c => c.SetThreshold(threshold));

    // The agent restarts while it handles these; its chip says so until it answers.
    private async Task<CommandResult> RestartingAsync(string agentId, Func<Task<CommandResult>> send)
    {
        fleet.SetRestarting(agentId, true);
        try
        {
            return await send().ConfigureAwait(false);
        }
        finally
        {
            fleet.SetRestarting(agentId, false);
        }
    }

    private async Task<CommandResult> SendAsync(string agentId, string what, Func<IAgentClient, Task<CommandResult>> command)
    {
        var entry = fleet.Agent(agentId);
        if (entry?.ConnectionId is not { } connection)
        {
            return CommandResult.Refused($"{agentId} is not connected");
        }

        CommandResult result;
        try
        {
            result = await command(hub.Clients.Client(connection)).WaitAsync(TimeSpan.FromSeconds(45)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or HubException or InvalidOperationException)
        {
            result = CommandResult.Refused($"{agentId} did not answer: {ex.Message}");
        }

        fleet.Raise(FleetEventKind.Command, agentId, $"{what}: {(result.Accepted ? "accepted" : "refused")} — {result.Message}");
        return result;
    }
}
