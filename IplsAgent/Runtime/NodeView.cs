using IplsCore.Control;
using IplsCore.Ipls.Node;
using IplsCore.Ipls.Wire;

namespace IplsAgent.Runtime;

/// <summary>What a status report needs from the IPLS node, read on the node's loop in one go.</summary>
internal sealed record NodeView(IReadOnlyList<PartitionStatus> Partitions, IReadOnlyList<PeerSeen> Peers, IReadOnlyDictionary<RejectReason, long> Rejected)
{
    public static NodeView Of(IIplsNodeView node, DateTimeOffset now)
    {
        var (primary, standby) = node.OwnedPartitions();
        var versions = node.Versions;
        var partitions = new PartitionStatus[versions.Length];
        for (int p = 0; p < partitions.Length; p++)
        {
            var ownership = primary.Contains(p) ? PartitionOwnership.Primary : standby.Contains(p) ? PartitionOwnership.Standby : PartitionOwnership.None;
            partitions[p] = new PartitionStatus(p, versions[p], ownership);
        }

        var peers = node.Members
            .OrderBy(m => m.Id, StringComparer.Ordinal)
            .Select(m => new PeerSeen(m.Id, m.Role, Math.Round((now - m.LastSeen).TotalSeconds, 1)))
            .ToArray();
        return new NodeView(partitions, peers, node.Counters.RejectedByReason());
    }
}
