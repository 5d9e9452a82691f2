namespace IplsCore.Ipls.Runtime;

/// <summary>An immutable copy of the fleet model a node holds, safe to read from any thread.</summary>
public sealed record FleetModelSnapshot(float[] Parameters, long[] Versions, bool Synchronized);
