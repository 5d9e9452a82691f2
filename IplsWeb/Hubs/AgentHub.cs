using IplsCore.Control;
using IplsCore.Ipls;
using IplsWeb.Fleet;
using IplsWeb.Hosting;
using Microsoft.AspNetCore.SignalR;

namespace IplsWeb.Hubs;

/// <summary>
/// Where agents connect (<see cref="AgentHubRoutes.Path"/>). A connection must present the bearer token
/// derived from the fleet token, or it is closed at once; only registered agents' reports count.
/// </summary>
public sealed partial class AgentHub(FleetState fleet, FleetSecret secret, ILogger<AgentHub> logger) : Hub<IAgentClient>, IAgentHub
{
    private const string AgentIdKey = "agent-id";

    public override async Task OnConnectedAsync()
    {
        var http = Context.GetHttpContext();
        string? token = http?.Request.Query["access_token"];
        string? header = http?.Request.Headers.Authorization;
        if (header is not null && header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            token = header["Bearer ".Length..];
        }

        if (!HubToken.Matches(secret.Token, token))
        {
            string remote = http?.Connection.RemoteIpAddress?.ToString() ?? "?";
            LogRefused(remote);
            fleet.Raise(FleetEventKind.Rejected, "hub", $"connection from {remote} without a valid fleet token");
            Context.Abort();
            return;
        }

        await base.OnConnectedAsync().ConfigureAwait(false);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        fleet.OnDisconnected(Context.ConnectionId, exception is null);
        await base.OnDisconnectedAsync(exception).ConfigureAwait(false);
    }

    public Task<CommandResult> Register(AgentRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (!IplsCore.Ipls.PeerIdRules.IsValid(registration.AgentId))
        {
            return Task.FromResult(CommandResult.Refused($"agent id '{registration.AgentId}' is not valid"));
        }

        Context.Items[AgentIdKey] = registration.AgentId;
        fleet.OnRegistered(registration, Context.ConnectionId);
        LogRegistered(registration.AgentId, registration.Vehicle, registration.Role.Name());
        return Task.FromResult(CommandResult.Ok("registered"));
    }

    public Task ReportStatus(AgentStatusReport status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (Context.Items.TryGetValue(AgentIdKey, out var id) && (string?)id == status.AgentId)
        {
            fleet.OnStatus(status);
        }

        return Task.CompletedTask;
    }

    public Task ReportLogs(IReadOnlyList<AgentLogLine> lines)
    {
        if (Context.Items.TryGetValue(AgentIdKey, out var id) && id is string agentId)
        {
            fleet.OnLogs(agentId, lines);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "Refused a hub connection from {Remote}: no valid fleet token")]
    private partial void LogRefused(string remote);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Information, Message = "Agent {Agent} registered: vehicle {Vehicle}, {Role}")]
    private partial void LogRegistered(string agent, int vehicle, string role);
}
