using IplsCore.Configuration;

namespace IplsCore.Ipls;

/// <summary>
/// Protocol settings. Every member of a fleet must agree on <see cref="FleetId"/>,
/// <see cref="Partitions"/> and the model shape; the rest may differ per node.
/// Reference keys map as: <c>iplsModelPartitions</c> → <see cref="Partitions"/>;
/// <c>iplsMinPeers</c> → <see cref="MinPeers"/>; <c>peerDataisSynchronous</c> →
/// <see cref="Synchronous"/>; <c>iplsMinPartitions</c> has no equivalent (rendezvous hashing
/// balances ownership by itself) and is accepted and ignored.
/// </summary>
public sealed record IplsOptions
{
    /// <summary>Namespace of the fleet's topics (under the transport's own prefix), so two fleets on one broker or IPFS network never mix.</summary>
    public string FleetId { get; init; } = "default";

    /// <summary>P: how many partitions the parameter vector is cut into.</summary>
    public int Partitions { get; init; } = 8;

    /// <summary>R: owners per partition (primary plus standbys), capped by the number of peers.</summary>
    public int Replication { get; init; } = 2;

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A member silent for this long is considered gone.</summary>
    public TimeSpan FailureTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long an owner collects deltas before publishing a new partition version (it publishes
    /// earlier once every live peer has contributed).
    /// </summary>
    public TimeSpan AggregationWindow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Wait for a delta from every live peer (up to the window) instead of publishing as soon as the window ends.</summary>
    public bool Synchronous { get; init; }

    /// <summary>Owners aggregate only while at least this many peers are live (reference iplsMinPeers).</summary>
    public int MinPeers { get; init; } = 1;

    /// <summary>Deltas trained from a partition more than this many versions old are dropped; younger stale ones weigh 1/(1+s).</summary>
    public int MaxStaleness { get; init; } = 3;

    /// <summary>A peer's delta counts fully only from its round JoinRampRounds on, ramping up linearly before that.</summary>
    public int JoinRampRounds { get; init; } = 10;

    /// <summary>Senders scale deltas down to this L2 norm per partition (0 = no clipping).</summary>
    public float ClipNorm { get; init; }

    /// <summary>Receivers reject deltas whose per-partition L2 norm exceeds this.</summary>
    public float MaxDeltaNorm { get; init; } = 100f;

    /// <summary>Messages sent further than this from our clock (past or future) are dropped as stale.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a joiner waits for one state offer before asking again.</summary>
    public TimeSpan StateRequestRetry { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>After this long without state transfer a joiner starts from its own model.</summary>
    public TimeSpan StateTransferTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Server learning rate: the owners apply this multiple of the weighted mean delta (1 = FedAvg).</summary>
    public double AggregationStep { get; init; } = 1;

    /// <summary>
    /// Server momentum β (FedAvgM, Hsu et al. 2019): an owner adds β times the partition's last step
    /// (previous version to current) to the new one; 0 = none.
    /// </summary>
    public double ServerMomentum { get; init; }

    /// <summary>Deltas an owner buffers per partition before dropping the oldest.</summary>
    public int MaxBufferedDeltas { get; init; } = 1024;

    /// <summary>
    /// Applies the reference adConfig.json keys that have a meaning here (see the class summary);
    /// a null argument leaves the current value.
    /// </summary>
    public IplsOptions WithReferenceKeys(int? iplsModelPartitions, int? iplsMinPartitions, int? iplsMinPeers, bool? peerDataisSynchronous)
    {
        _ = iplsMinPartitions; // accepted for compatibility; rendezvous hashing balances ownership by itself
        return this with
        {
            Partitions = iplsModelPartitions ?? Partitions,
            MinPeers = iplsMinPeers ?? MinPeers,
            Synchronous = peerDataisSynchronous ?? Synchronous,
        };
    }

    public string ControlTopic => $"{FleetId}/control";

    public string ModelTopic => $"{FleetId}/model";

    public string DeltaTopic(int partition) => $"{FleetId}/delta/{partition}";

    public void Validate(int parameterCount)
    {
        if (!PeerIdRules.IsValid(FleetId))
        {
            throw new ConfigurationException(nameof(FleetId), FleetId, "must be 1–64 characters of letters, digits, '.', '_' or '-'");
        }

        if (Partitions < 1 || Partitions > Math.Min(parameterCount, Wire.MessageCodec.MaxPartitions))
        {
            throw new ConfigurationException(nameof(Partitions), Partitions, $"must be between 1 and {Math.Min(parameterCount, Wire.MessageCodec.MaxPartitions)}");
        }

        if (Replication < 1 || Replication > 16)
        {
            throw new ConfigurationException(nameof(Replication), Replication, "must be between 1 and 16");
        }

        if (HeartbeatInterval <= TimeSpan.Zero || FailureTimeout <= HeartbeatInterval)
        {
            throw new ConfigurationException(nameof(FailureTimeout), FailureTimeout, $"must exceed a positive {nameof(HeartbeatInterval)} ({HeartbeatInterval})");
        }

        if (AggregationWindow <= TimeSpan.Zero || StateRequestRetry <= TimeSpan.Zero || StateTransferTimeout <= TimeSpan.Zero)
        {
            throw new ConfigurationException(nameof(AggregationWindow), AggregationWindow, "windows and timeouts must be positive");
        }

        if (JoinRampRounds < 1)
        {
            throw new ConfigurationException(nameof(JoinRampRounds), JoinRampRounds, "must be ≥ 1");
        }

        if (MinPeers < 1 || MaxStaleness < 0 || MaxBufferedDeltas < 1)
        {
            throw new ConfigurationException(nameof(MinPeers), MinPeers, "MinPeers and MaxBufferedDeltas must be ≥ 1, MaxStaleness ≥ 0");
        }

        if (!double.IsFinite(AggregationStep) || AggregationStep is <= 0 or > 10)
        {
            throw new ConfigurationException("aggregationStep", AggregationStep, "must be above 0 and at most 10");
        }

        if (!double.IsFinite(ServerMomentum) || ServerMomentum is < 0 or >= 1)
        {
            throw new ConfigurationException("serverMomentum", ServerMomentum, "must be at least 0 and below 1");
        }

        if (!(ClipNorm >= 0) || !(MaxDeltaNorm > 0) || float.IsInfinity(ClipNorm))
        {
            throw new ConfigurationException(nameof(MaxDeltaNorm), MaxDeltaNorm, $"must be > 0, and {nameof(ClipNorm)} ({ClipNorm}) finite and ≥ 0");
        }
    }
}
