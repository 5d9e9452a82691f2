using IplsCore.Ipls;
using IplsCore.Messages;

namespace IplsCore.Control;

/// <summary>Who an agent is, sent on every (re)connection.</summary>
public sealed record AgentRegistration(
    string AgentId,
    int Vehicle,
    PeerRole Role,
    string Version,
    string OperatingSystem,
    string Architecture,
    string ConfigHash,
    string ConfigJson)
{
    /// <summary>The vehicle's MQTT topics (custom ones included), so the dashboard hears what the agent publishes.</summary>
    public VehicleTopics? Topics { get; init; }
}
