namespace IplsCore.Control;

/// <summary>One log line an agent forwards to the dashboard.</summary>
public sealed record AgentLogLine(DateTimeOffset At, string Level, string Category, string Message);
