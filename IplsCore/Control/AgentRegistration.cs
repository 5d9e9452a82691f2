namespace IplsCore.Control;

/// <summary>Who an agent is, sent on every (re)connection.</summary>
public sealed record AgentRegistration(
    string AgentId,
    int Vehicle,
    string Role,
    string Version,
    string OperatingSystem,
    string Architecture,
    string ConfigHash,
    string ConfigJson);
