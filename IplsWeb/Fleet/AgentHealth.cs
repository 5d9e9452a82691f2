namespace IplsWeb.Fleet;

/// <summary>What an agent is doing, as the header counts it and its chip shows it.</summary>
public enum AgentHealth
{
    /// <summary>Registered, no status yet.</summary>
    Connected,

    /// <summary>Running, not yet synchronized with the fleet model.</summary>
    Joining,

    Running,

    /// <summary>Connected but not consuming data (stopped from the dashboard or its state).</summary>
    Stopped,

    /// <summary>A restart or config apply was sent and has not been answered yet.</summary>
    Restarting,

    /// <summary>The hub connection is gone.</summary>
    Unreachable,
}
