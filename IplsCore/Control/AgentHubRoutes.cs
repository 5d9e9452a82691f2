namespace IplsCore.Control;

/// <summary>Where the dashboard serves the agents' hub.</summary>
public static class AgentHubRoutes
{
    public const string Path = "/hubs/agents";
}
