namespace IplsWeb.Fleet;

public enum FleetChangeKind
{
    /// <summary>An agent registered, reported, logged, left or is being restarted.</summary>
    Agent,

    /// <summary>A vehicle was seen for the first time.</summary>
    VehicleAdded,

    Score,
    Sensor,
    Event,
    Alert,
    Threshold,
}

/// <summary>What changed in the fleet: components re-render only for changes to what they show.</summary>
public readonly record struct FleetChange(FleetChangeKind Kind, int Vehicle = 0, string? AgentId = null);
