namespace IplsCore.Ipls;

public enum PeerRole : byte
{
    /// <summary>Trains on its vehicle's data, sends deltas, may own partitions.</summary>
    Peer = 0,

    /// <summary>Takes no training data and owns no partition; mirrors the full model and serves state transfer.</summary>
    Bootstrapper = 1,
}
