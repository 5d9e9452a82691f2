namespace IplsCore.Control;

/// <summary>Whether an agent consumes sensor data and trains.</summary>
public enum AgentRunState
{
    Starting,
    Running,
    Stopped,
}
