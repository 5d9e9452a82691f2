namespace IplsCore.Control;

/// <summary>A fleet member this agent hears from.</summary>
public sealed record PeerSeen(string Id, string Role, double SecondsSinceHeard);
