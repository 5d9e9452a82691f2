using IplsCore.Ipls.Wire;

namespace IplsCore.Ipls.Node;

/// <summary>What a node did and dropped, for status reports and tests.</summary>
public sealed class NodeCounters
{
    private readonly long[] _rejected = new long[Enum.GetValues<RejectReason>().Length];

    public long MessagesSent { get; private set; }

    public long BytesSent { get; private set; }

    public long MessagesAccepted { get; private set; }

    public long DeltasSent { get; private set; }

    /// <summary>Local rounds not shared because the node did not hold the fleet model yet (or had left).</summary>
    public long DeltasNotShared { get; private set; }

    public long DeltasBuffered { get; private set; }

    public long DeltasDropped { get; private set; }

    public long UpdatesPublished { get; private set; }

    public long UpdatesAdopted { get; private set; }

    public long StateTransfersServed { get; private set; }

    public long StateTransfersCompleted { get; private set; }

    public long Rejected(RejectReason reason) => _rejected[(int)reason];

    public long RejectedTotal => _rejected.Sum();

    internal void Reject(RejectReason reason) => _rejected[(int)reason]++;

    // Only the node counts, one event at a time.
    internal void Sent(int bytes)
    {
        MessagesSent++;
        BytesSent += bytes;
    }

    internal void Accepted() => MessagesAccepted++;

    internal void DeltaSent() => DeltasSent++;

    internal void DeltaNotShared() => DeltasNotShared++;

    internal void DeltaBuffered() => DeltasBuffered++;

    internal void DeltaDropped() => DeltasDropped++;

    internal void UpdatePublished() => UpdatesPublished++;

    internal void UpdateAdopted() => UpdatesAdopted++;

    internal void StateTransferServed() => StateTransfersServed++;

    internal void StateTransferCompleted() => StateTransfersCompleted++;

    public IReadOnlyDictionary<RejectReason, long> RejectedByReason()
    {
        var result = new Dictionary<RejectReason, long>();
        for (int i = 1; i < _rejected.Length; i++)
        {
            if (_rejected[i] > 0)
            {
                result[(RejectReason)i] = _rejected[i];
            }
        }

        return result;
    }
}
