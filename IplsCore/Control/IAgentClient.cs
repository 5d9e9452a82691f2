namespace IplsCore.Control;

/// <summary>
/// The only commands the dashboard can send an agent (SignalR client results): each returns whether
/// it was accepted and why not. Nothing else is executed remotely.
/// </summary>
public interface IAgentClient
{
    /// <summary>Resume consuming sensor data and training.</summary>
    Task<CommandResult> StartAgent();

    /// <summary>Stop consuming sensor data and training; the agent stays an IPLS member.</summary>
    Task<CommandResult> StopAgent();

    /// <summary>Restart the agent's runtime (checkpoint, leave, start again as the same peer).</summary>
    Task<CommandResult> RestartAgent();

    /// <summary>Validate a complete JSON configuration and, only if valid, apply it (restarting the runtime).</summary>
    Task<CommandResult> ApplyConfig(string configJson);

    /// <summary>Switch the built-in generator: "normal" or "anomaly".</summary>
    Task<CommandResult> SetGeneratorMode(string mode);

    Task<CommandResult> SetThreshold(double threshold);
}
