namespace IplsWeb.Broker;

/// <summary>What the broker's flow control has done since start (shown on the Settings page).</summary>
public sealed record BrokerFlowStatus(bool Holding, long DeepestBacklog, long HeldPublishes, long HoldTimeouts, long Dropped);
