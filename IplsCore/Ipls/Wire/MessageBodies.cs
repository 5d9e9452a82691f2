namespace IplsCore.Ipls.Wire;

/// <summary>The payload of one protocol message; each kind has its own record.</summary>
public abstract record MessageBody
{
    public abstract MessageType Type { get; }
}

/// <summary>"I am alive": progress and the partition versions the sender holds.</summary>
public sealed record HeartbeatBody(int RoundsCompleted, int ParameterCount, long[] PartitionVersions, bool HasModel) : MessageBody
{
    public override MessageType Type => MessageType.Heartbeat;
}

/// <summary>Graceful leave: drop me from the membership now instead of after the failure timeout.</summary>
public sealed record LeaveBody : MessageBody
{
    public override MessageType Type => MessageType.Leave;
}

/// <summary>
/// One peer's update for one partition after a local round: Δ = W_round_start − W_after_fit (the
/// reference's sign), trained from partition version <see cref="BaseVersion"/> on <see cref="Samples"/> samples.
/// </summary>
public sealed record DeltaBody(int Partition, long BaseVersion, int Samples, int Round, float[] Delta) : MessageBody
{
    public override MessageType Type => MessageType.Delta;
}

/// <summary>
/// An owner's new value of one partition. <see cref="Contributions"/> identifies the deltas folded
/// in (see <c>Node.ContributionId</c>), so standbys can drop the same ones from their buffers.
/// </summary>
public sealed record PartitionUpdateBody(int Partition, long Version, ulong[] Contributions, float[] Values) : MessageBody
{
    public override MessageType Type => MessageType.PartitionUpdate;
}

/// <summary>A joiner asks for the full current model.</summary>
public sealed record StateRequestBody(long Nonce) : MessageBody
{
    public override MessageType Type => MessageType.StateRequest;
}

/// <summary>
/// Answer to a state request: where to fetch the model snapshot (content id), its SHA-256 (content
/// ids of other stores need not be plain hashes) and the partition versions it holds.
/// </summary>
public sealed record StateOfferBody(long Nonce, string ContentId, byte[] Sha256, long[] PartitionVersions) : MessageBody
{
    public override MessageType Type => MessageType.StateOffer;
}
