using IplsCore.Ipls.Membership;

namespace IplsCore.Ipls.Node;

/// <summary>
/// What may be read of an <see cref="IplsNode"/> from outside its driver's loop
/// (<see cref="Runtime.IplsPeerRunner.QueryAsync"/>): no action, no membership change.
/// </summary>
public interface IIplsNodeView
{
    string Id { get; }

    PeerRole Role { get; }

    bool IsSynchronized { get; }

    int RoundsCompleted { get; }

    /// <summary>Newest version held per partition.</summary>
    ReadOnlySpan<long> Versions { get; }

    NodeCounters Counters { get; }

    /// <summary>The other members heard from and not yet expired.</summary>
    IReadOnlyCollection<MemberInfo> Members { get; }

    /// <summary>True for this node and every member it knows.</summary>
    bool Knows(string id);

    IReadOnlyList<string> OwnersOf(int partition);

    (IReadOnlyList<int> Primary, IReadOnlyList<int> Standby) OwnedPartitions();
}
