namespace IplsAgent.Control;

/// <summary>Timing of the agent's link to the dashboard.</summary>
public sealed record ControlClientOptions
{
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);
}
