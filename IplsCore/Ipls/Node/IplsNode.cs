using System.Numerics.Tensors;
using System.Security.Cryptography;
using IplsCore.Engine;
using IplsCore.Ipls.Membership;
using IplsCore.Ipls.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IplsCore.Ipls.Node;

/// <summary>
/// The IPLS protocol state of one member, as pure transitions: the driver feeds it messages, ticks
/// and local deltas with explicit timestamps, and carries out the <see cref="NodeAction"/>s it
/// queues. No I/O, no clock, no threads: the same core runs on the simulated network in virtual
/// time and on MQTT or IPFS in real time. Not thread-safe; one driver loop owns it.
/// </summary>
public sealed partial class IplsNode : IIplsNodeView
{
    private readonly IplsOptions _options;
    private readonly PartitionLayout _layout;
    private readonly MessageCodec _codec;
    private readonly ILogger _logger;
    private readonly MembershipView _membership;
    private readonly ReplayGuard _replay = new();
    private readonly float[] _model;
    private readonly long[] _versions;

    // Each partition's values at the version before the current one (valid where _previousVersion is
    // _versions - 1): the last step, which server momentum repeats a share of. Every node sees the same
    // updates, so a standby taking over holds the same last step as the primary it replaces.
    private readonly float[] _previous;
    private readonly long[] _previousVersion;
    private const long NoPrevious = long.MinValue; // never one below a version, so never taken for the last step
    private readonly ulong[] _publisherWeight;
    private readonly DateTimeOffset[] _lastUpdateAt;
    private readonly List<PendingDelta>?[] _buffers;
    private readonly Dictionary<string, bool> _memberHasModel = new(StringComparer.Ordinal);

    // Samples in each peer's latest delta: its usual round size, for the aggregation denominator.
    private readonly Dictionary<string, int> _usualSamples = new(StringComparer.Ordinal);
    private readonly HashSet<string> _subscriptions = new(StringComparer.Ordinal);
    private readonly List<NodeAction> _actions = [];
    private readonly Random _random;
    private string[][] _owners;
    private long _ownershipEpoch = -1;
    private long _sequence;
    private DateTimeOffset _startedAt;

    // When the driver confirmed the control subscription: only from then on does silence mean "alone".
    private DateTimeOffset? _listeningSince;

    // Listening time that counts towards "first member": only while this node's loop was running.
    private TimeSpan _listened;
    private DateTimeOffset _lastJoinTick;
    private DateTimeOffset _lastHeartbeat = DateTimeOffset.MinValue;
    private DateTimeOffset _lastStateRequest = DateTimeOffset.MinValue;
    private long _stateNonce;
    private bool _fetching;
    private byte[] _offerSha256 = [];
    private string _offerSender = string.Empty;
    private bool _started;
    private bool _left;

    public IplsNode(IplsOptions options, string id, PeerRole role, long incarnation, MessageCodec codec, ReadOnlySpan<float> initialModel, ReadOnlySpan<long> initialVersions = default, int seed = 0, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(codec);
        options.Validate(initialModel.Length);
        FiniteCheck.ThrowIfNonFinite(initialModel, "initial model");
        _options = options;
        _layout = new PartitionLayout(initialModel.Length, options.Partitions);
        _codec = codec;
        _logger = logger ?? NullLogger.Instance;
        Id = PeerIdRules.Validate(id);
        Role = role;
        Incarnation = incarnation;
        _membership = new MembershipView(id, role, options.FailureTimeout);
        _model = initialModel.ToArray();
        _versions = new long[options.Partitions];
        _previous = new float[_model.Length];
        _previousVersion = new long[options.Partitions];
        Array.Fill(_previousVersion, NoPrevious);
        if (!initialVersions.IsEmpty)
        {
            if (initialVersions.Length != options.Partitions)
            {
                throw new ArgumentException($"Expected {options.Partitions} partition versions, got {initialVersions.Length}.", nameof(initialVersions));
            }

            initialVersions.CopyTo(_versions);
        }

        _publisherWeight = new ulong[options.Partitions];
        _lastUpdateAt = new DateTimeOffset[options.Partitions];
        _buffers = new List<PendingDelta>?[options.Partitions];
        _owners = new string[options.Partitions][];
        Array.Fill(_owners, []);
        // A stable hash of the id: string.GetHashCode differs per process and would break reproducible simulations.
        _random = new Random(seed ^ (int)RendezvousOwnership.Weight(id, int.MinValue));
    }

    public string Id { get; }

    public PeerRole Role { get; }

    public long Incarnation { get; }

    public IplsOptions Options => _options;

    public PartitionLayout Layout => _layout;

    /// <summary>True once the node holds the fleet's current model (state transfer done, or it is the first member).</summary>
    public bool IsSynchronized { get; private set; }

    public NodeCounters Counters { get; } = new();

    /// <summary>Local training rounds done, reported in heartbeats (the round of the last <see cref="SubmitDelta"/>).</summary>
    public int RoundsCompleted { get; private set; }

    public MembershipView Membership => _membership;

    public IReadOnlyCollection<MemberInfo> Members => _membership.Members;

    public bool Knows(string id) => _membership.Contains(id);

    /// <summary>Newest version held per partition.</summary>
    public ReadOnlySpan<long> Versions => _versions;

    /// <summary>The fleet model assembled from the newest partition versions held.</summary>
    public ReadOnlySpan<float> FleetModel => _model;

    /// <summary>Raised on joins, leaves, time-outs and restarts of other members.</summary>
    public event Action<MembershipChange>? MembershipChanged;

    /// <summary>Actions queued since the last call, in order.</summary>
    public IReadOnlyList<NodeAction> DrainActions()
    {
        if (_actions.Count == 0)
        {
            return [];
        }

        var drained = _actions.ToArray();
        _actions.Clear();
        return drained;
    }

    /// <summary>Owners of a partition in this node's current view, primary first.</summary>
    public IReadOnlyList<string> OwnersOf(int partition)
    {
        RefreshOwnership();
        return _owners[partition];
    }

    /// <summary>Partitions this node owns as primary (rank 0) or standby (rank ≥ 1).</summary>
    public (IReadOnlyList<int> Primary, IReadOnlyList<int> Standby) OwnedPartitions()
    {
        RefreshOwnership();
        var primary = new List<int>();
        var standby = new List<int>();
        for (int p = 0; p < _layout.Count; p++)
        {
            int rank = Array.IndexOf(_owners[p], Id);
            if (rank == 0)
            {
                primary.Add(p);
            }
            else if (rank > 0)
            {
                standby.Add(p);
            }
        }

        return (primary, standby);
    }

    public void Start(DateTimeOffset now)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        _startedAt = now;
        Subscribe(_options.ControlTopic);
        Subscribe(_options.ModelTopic);
        SendHeartbeat(now);

        // The state request goes out from OnSubscribed, once an answer can be heard; AdvanceJoin
        // retries it if the driver never confirms.
        Tick(now);
    }

    /// <summary>Graceful leave: tells the others at once instead of letting them time us out.</summary>
    public void Leave(DateTimeOffset now)
    {
        if (!_started || _left)
        {
            return;
        }

        Send(_options.ControlTopic, new LeaveBody(), now);
        _left = true;
    }

    /// <summary>Periodic work: heartbeats, failure detection, state-transfer retries, aggregation.</summary>
    public void Tick(DateTimeOffset now)
    {
        if (!_started || _left)
        {
            return;
        }

        if (now - _lastHeartbeat >= _options.HeartbeatInterval)
        {
            SendHeartbeat(now);
        }

        foreach (var change in _membership.Expire(now))
        {
            _memberHasModel.Remove(change.Member);
            LogMembership(change.Kind, change.Member, change.Role);
            MembershipChanged?.Invoke(change);
        }

        if (!IsSynchronized)
        {
            AdvanceJoin(now);
        }

        RefreshOwnership();
        if (Role == PeerRole.Peer && IsSynchronized)
        {
            for (int p = 0; p < _layout.Count; p++)
            {
                MaybeAggregate(p, now);
            }
        }
    }

    /// <summary>
    /// Shares one local round: <paramref name="delta"/> = W_round_start − W_after_fit over the whole
    /// vector, trained from the partition versions in <paramref name="baseVersions"/>.
    /// </summary>
    public void SubmitDelta(ReadOnlySpan<float> delta, ReadOnlySpan<long> baseVersions, int samples, int round, DateTimeOffset now)
    {
        if (Role != PeerRole.Peer)
        {
            throw new InvalidOperationException("Bootstrappers do not train.");
        }

        RoundsCompleted = round;

        if (delta.Length != _model.Length || baseVersions.Length != _layout.Count)
        {
            throw new ArgumentException($"Expected a delta of {_model.Length} values and {_layout.Count} base versions.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        FiniteCheck.ThrowIfNonFinite(delta, "local delta");
        if (!_started || _left || !IsSynchronized)
        {
            // Before it holds the fleet model a node's deltas would be relative to the wrong base.
            Counters.DeltaNotShared();
            return;
        }

        RefreshOwnership();
        for (int p = 0; p < _layout.Count; p++)
        {
            var slice = delta[_layout.Range(p)].ToArray();
            if (_options.ClipNorm > 0)
            {
                float norm = TensorPrimitives.Norm(slice);
                if (norm > _options.ClipNorm)
                {
                    TensorPrimitives.Multiply(slice, _options.ClipNorm / norm, slice);
                }
            }

            var body = new DeltaBody(p, baseVersions[p], samples, round, slice);
            if (Array.IndexOf(_owners[p], Id) >= 0)
            {
                Buffer(p, new PendingDelta(ContributionId.Of(Id, Incarnation, round, p), Id, baseVersions[p], samples, round, slice, now));
            }

            Send(_options.DeltaTopic(p), body, now);
            Counters.DeltaSent();
            AggregateIfComplete(p, now);
        }
    }

    /// <summary>Handles one message from the network. Bad ones are dropped and counted, never thrown.</summary>
    public void Receive(string topic, ReadOnlySpan<byte> payload, DateTimeOffset now)
    {
        if (!_started || _left)
        {
            return;
        }

        if (!_codec.TryDecode(topic, payload, out var message, out var reason, out string detail))
        {
            Reject(reason, "?", detail);
            return;
        }

        var header = message!.Header;
        if (header.Sender == Id)
        {
            return; // our own message echoed back by the broker
        }

        if (Math.Abs(now.ToUnixTimeMilliseconds() - header.SentAtUnixMs) > _options.MaxClockSkew.TotalMilliseconds)
        {
            Reject(RejectReason.Stale, header.Sender, "sent-at outside the allowed clock skew");
            return;
        }

        if (!_replay.Accept(header.Sender, header.Incarnation, header.Sequence))
        {
            Reject(RejectReason.Replayed, header.Sender, $"incarnation {header.Incarnation} sequence {header.Sequence} already seen");
            return;
        }

        Counters.Accepted();
        if (message.Body is LeaveBody)
        {
            _memberHasModel.Remove(header.Sender);
            Notify(_membership.Leave(header.Sender, header.Incarnation));
            return;
        }

        Notify(_membership.Observe(header.Sender, header.Role, header.Incarnation, now));
        switch (message.Body)
        {
            case HeartbeatBody heartbeat:
                OnHeartbeat(header, heartbeat);
                break;
            case DeltaBody delta:
                OnDelta(topic, header, delta, now);
                break;
            case PartitionUpdateBody update:
                OnPartitionUpdate(header, update, now);
                break;
            case StateRequestBody request:
                OnStateRequest(request);
                break;
            case StateOfferBody offer:
                OnStateOffer(header, offer);
                break;
        }
    }

    /// <summary>
    /// The driver's transport confirmed a subscription (for MQTT: the broker acknowledged it). A node
    /// only concludes it is the first member after hearing nothing for a while on a live control topic;
    /// counting from <see cref="Start"/> instead made a slowly connecting joiner skip state transfer.
    /// </summary>
    public void OnSubscribed(string topic, DateTimeOffset now)
    {
        if (topic != _options.ControlTopic || _listeningSince is not null || !_started)
        {
            return;
        }

        _listeningSince = now;
        _lastJoinTick = now;
        _listened = TimeSpan.Zero;
        if (!IsSynchronized)
        {
            // Requests sent before the subscription was live may have gone unanswered unseen.
            RequestState(now);
        }
    }

    /// <summary>The driver stored the snapshot for a state request; publish the offer.</summary>
    public void OnContentStored(long nonce, string contentId, byte[] content, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!ModelSnapshot.TryDecode(content, _model.Length, _layout.Count, out _, out var versions))
        {
            throw new ArgumentException("Not a snapshot of this model.", nameof(content));
        }

        Send(_options.ControlTopic, new StateOfferBody(nonce, contentId, SHA256.HashData(content), versions), now);
        Counters.StateTransferServed();
    }

    /// <summary>The driver fetched an offered snapshot; verify and adopt it.</summary>
    public void OnContentFetched(long nonce, ReadOnlySpan<byte> content, DateTimeOffset now)
    {
        if (IsSynchronized || nonce != _stateNonce || !_fetching)
        {
            return;
        }

        _fetching = false;
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(content, hash);
        if (!hash.SequenceEqual(_offerSha256))
        {
            Reject(RejectReason.BadSignature, _offerSender, "snapshot hash differs from the authenticated offer");
            _lastStateRequest = DateTimeOffset.MinValue;
            return;
        }

        if (!ModelSnapshot.TryDecode(content, _model.Length, _layout.Count, out var model, out var versions))
        {
            Reject(RejectReason.WrongLength, _offerSender, "snapshot does not fit this model or is not finite");
            _lastStateRequest = DateTimeOffset.MinValue;
            return;
        }

        for (int p = 0; p < _layout.Count; p++)
        {
            if (versions[p] >= _versions[p])
            {
                _previousVersion[p] = NoPrevious; // the last step is not known from a snapshot
                model.AsSpan(_layout.Range(p)).CopyTo(_model.AsSpan(_layout.Range(p)));
                _versions[p] = versions[p];
            }
        }

        Counters.StateTransferCompleted();
        MarkSynchronized(now, "state transfer");
    }

    public void OnContentFetchFailed(long nonce, DateTimeOffset now)
    {
        if (nonce == _stateNonce)
        {
            _fetching = false;
            _lastStateRequest = DateTimeOffset.MinValue; // ask again at the next tick
        }
    }

    /// <summary>Current model and versions as a snapshot (for checkpoints and state transfer).</summary>
    public byte[] Snapshot() => ModelSnapshot.Encode(_model, _versions);
}
