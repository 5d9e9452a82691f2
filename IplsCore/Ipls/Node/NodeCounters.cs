using IplsCore.Ipls.Wire;

namespace IplsCore.Ipls.Node;

/// <summary>What a node did and dropped, for status reports and tests.</summary>
public sealed class NodeCounters
{
    private readonly long[] _rejected = new long[Enum.GetValues<RejectReason>().Length];

    public long MessagesSent { get; internal set; }

    public long BytesSent { get; internal set; }

    public long MessagesAccepted { get; internal set; }

    public long DeltasSent { get; internal set; }

    /// <summary>Local rounds not shared because the node did not hold the fleet model yet (or had left).</summary>
    public long DeltasNotShared { get; internal set; }

    public long DeltasBuffered { get; internal set; }

    public long DeltasDropped { get; internal set; }

    public long UpdatesPublished { get; internal set; }

    public long UpdatesAdopted { get; internal set; }

    public long StateTransfersServed { get; internal set; }

    public long StateTransfersCompleted { get; internal set; }

    public long Rejected(RejectReason reason) => _rejected[(int)reason];

    public long RejectedTotal => _rejected.Sum();

    internal void Reject(RejectReason reason) => _rejected[(int)reason]++;

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
