namespace IplsCore.Control;

/// <summary>One partition as an agent sees it: the version it holds and its own role for it.</summary>
public sealed record PartitionStatus(int Partition, long Version, PartitionOwnership Ownership);
