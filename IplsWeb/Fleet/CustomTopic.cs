using IplsCore.Messages;

namespace IplsWeb.Fleet;

/// <summary>A topic outside the reference format that an agent announced for its vehicle's data of one kind.</summary>
public sealed record CustomTopic(string Topic, int Vehicle, VehicleTopicKind Kind, string AgentId);
