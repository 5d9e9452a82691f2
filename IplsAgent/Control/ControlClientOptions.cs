namespace IplsAgent.Control;

/// <summary>Timing of the agent's link to the dashboard.</summary>
public sealed record ControlClientOptions
{
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Silence from the hub after which the link counts as lost and reconnects (SignalR's default).</summary>
    public TimeSpan ServerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a stop waits for the hub to take the agent's goodbye.</summary>
    public TimeSpan LeaveTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the agent pings the hub when it has nothing else to send (SignalR's default).</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);
}
