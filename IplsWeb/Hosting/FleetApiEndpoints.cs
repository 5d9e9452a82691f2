using IplsCore.Ipls;
using IplsWeb.Fleet;

namespace IplsWeb.Hosting;

/// <summary>
/// Read-only JSON view of the agents for scripts (the fleet lab measures status and re-registration
/// with it). Signed-in like the pages when the dashboard is reachable off loopback; no secrets in it.
/// </summary>
public static class FleetApiEndpoints
{
    public const string AgentsPath = "/api/agents";

    public static RouteHandlerBuilder MapFleetApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.MapGet(AgentsPath, (FleetState fleet) => Results.Json(fleet.Agents.Select(AgentSummary.Of).ToArray()));
    }
}

/// <summary>One agent in <see cref="FleetApiEndpoints.AgentsPath"/>: who, whether its hub connection is up, its latest status.</summary>
public sealed record AgentSummary(
    string AgentId,
    int Vehicle,
    string Role,
    bool Connected,
    DateTimeOffset LastSeen,
    DateTimeOffset? StatusAt,
    string? State,
    bool? Synchronized,
    int? RoundsDone,
    long? SamplesScored)
{
    public static AgentSummary Of(AgentEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var status = entry.Status;
        return new AgentSummary(
            entry.Registration.AgentId,
            entry.Registration.Vehicle,
            entry.Registration.Role.Name(),
            entry.Connected,
            entry.LastSeen,
            status?.At,
            status?.State.ToString(),
            status?.Synchronized,
            status?.RoundsDone,
            status?.SamplesScored);
    }
}
