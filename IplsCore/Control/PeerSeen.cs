using IplsCore.Ipls;

namespace IplsCore.Control;

/// <summary>A fleet member this agent hears from.</summary>
public sealed record PeerSeen(string Id, PeerRole Role, double SecondsSinceHeard);
