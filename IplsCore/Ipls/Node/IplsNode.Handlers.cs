using System.Numerics.Tensors;
using IplsCore.Engine;
using IplsCore.Ipls.Membership;
using IplsCore.Ipls.Wire;
using Microsoft.Extensions.Logging;

namespace IplsCore.Ipls.Node;

/// <summary>Message handlers and the rules behind them.</summary>
public sealed partial class IplsNode
{
    private void OnHeartbeat(MessageHeader header, HeartbeatBody heartbeat)
    {
        if (heartbeat.ParameterCount != _model.Length || heartbeat.PartitionVersions.Length != _layout.Count)
        {
            Reject(RejectReason.Incompatible, header.Sender, $"model of {heartbeat.ParameterCount} parameters in {heartbeat.PartitionVersions.Length} partitions, ours is {_model.Length} in {_layout.Count}");
            return;
        }

        if (!_memberHasModel.TryGetValue(header.Sender, out bool had) || had != heartbeat.HasModel)
        {
            _memberHasModel[header.Sender] = heartbeat.HasModel;
            _ownershipEpoch = -1; // readiness changes who may own partitions
        }
    }

    private void OnDelta(string topic, MessageHeader header, DeltaBody delta, DateTimeOffset now)
    {
        int p = delta.Partition;
        if (header.Role != PeerRole.Peer || (uint)p >= (uint)_layout.Count || topic != _options.DeltaTopic(p))
        {
            Reject(RejectReason.Incompatible, header.Sender, $"delta for partition {p} on topic {topic}");
            return;
        }

        if (delta.Delta.Length != _layout.Length(p))
        {
            Reject(RejectReason.WrongLength, header.Sender, $"delta of {delta.Delta.Length} values for partition {p} of {_layout.Length(p)}");
            return;
        }

        if (!FiniteCheck.AllFinite(delta.Delta))
        {
            Reject(RejectReason.NonFinite, header.Sender, $"delta for partition {p} contains NaN or infinity");
            return;
        }

        float norm = TensorPrimitives.Norm(delta.Delta);
        if (norm > _options.MaxDeltaNorm || delta.Samples < 1 || delta.Samples > 1_000_000)
        {
            Reject(RejectReason.NormOutOfBounds, header.Sender, $"delta norm {norm:G4} (max {_options.MaxDeltaNorm}) or sample count {delta.Samples} out of bounds");
            return;
        }

        if (_versions[p] - delta.BaseVersion > _options.MaxStaleness)
        {
            Reject(RejectReason.Stale, header.Sender, $"delta from version {delta.BaseVersion} of partition {p}, now at {_versions[p]}");
            return;
        }

        RefreshOwnership();
        if (Array.IndexOf(_owners[p], Id) < 0)
        {
            return; // not ours (any more): the current owners got it too
        }

        Buffer(p, new PendingDelta(ContributionId.Of(header.Sender, header.Incarnation, delta.Round, p), header.Sender, delta.BaseVersion, delta.Samples, delta.Round, delta.Delta, now));
        AggregateIfComplete(p, now);
    }

    /// <summary>
    /// The primary publishes as soon as every live peer has contributed, not at its next tick: peers
    /// start their next round a sample later, and should start it from the new version.
    /// </summary>
    private void AggregateIfComplete(int p, DateTimeOffset now)
    {
        var buffer = _buffers[p];
        if (Role == PeerRole.Peer && IsSynchronized && buffer is { Count: > 0 } && _owners[p].Length > 0 && _owners[p][0] == Id)
        {
            var ready = ReadyPeers();
            if (ready.Count >= _options.MinPeers && ContributorsCoverAll(buffer, ready))
            {
                Aggregate(p, buffer, now);
            }
        }
    }

    private void OnPartitionUpdate(MessageHeader header, PartitionUpdateBody update, DateTimeOffset now)
    {
        int p = update.Partition;
        if ((uint)p >= (uint)_layout.Count)
        {
            Reject(RejectReason.Incompatible, header.Sender, $"update for partition {p}");
            return;
        }

        if (update.Values.Length != _layout.Length(p))
        {
            Reject(RejectReason.WrongLength, header.Sender, $"update of {update.Values.Length} values for partition {p} of {_layout.Length(p)}");
            return;
        }

        if (!FiniteCheck.AllFinite(update.Values))
        {
            Reject(RejectReason.NonFinite, header.Sender, $"update for partition {p} contains NaN or infinity");
            return;
        }

        // Newer version wins; two publishers of the same version (a standby that took over while the
        // primary was only slow) are ordered by a weight every node computes alike.
        ulong weight = RendezvousOwnership.Weight(header.Sender, p);
        bool newer = update.Version > _versions[p] || (update.Version == _versions[p] && weight > _publisherWeight[p]);
        if (!newer)
        {
            return;
        }

        RememberPrevious(p, update.Version);
        update.Values.CopyTo(_model.AsSpan(_layout.Range(p)));
        _versions[p] = update.Version;
        _publisherWeight[p] = weight;
        _lastUpdateAt[p] = now;
        Counters.UpdateAdopted();
        var buffer = _buffers[p];
        if (buffer is not null && update.Contributions.Length > 0)
        {
            var covered = new HashSet<ulong>(update.Contributions);
            buffer.RemoveAll(d => covered.Contains(d.Id));
        }
    }

    private void OnStateRequest(StateRequestBody request)
    {
        if (!IsSynchronized || !ShouldServeState())
        {
            return;
        }

        _actions.Add(new StoreContentAction(request.Nonce, Snapshot()));
    }

    private void OnStateOffer(MessageHeader header, StateOfferBody offer)
    {
        if (IsSynchronized || _fetching || offer.Nonce != _stateNonce)
        {
            return;
        }

        _fetching = true;
        _offerSha256 = offer.Sha256;
        _offerSender = header.Sender;
        _actions.Add(new FetchContentAction(offer.Nonce, offer.ContentId));
    }

    /// <summary>Bootstrappers serve state; without a live one, the synchronized peer ranked first does.</summary>
    private bool ShouldServeState()
    {
        if (Role == PeerRole.Bootstrapper)
        {
            return true;
        }

        foreach (var member in _membership.Members)
        {
            if (member.Role == PeerRole.Bootstrapper && _memberHasModel.GetValueOrDefault(member.Id))
            {
                return false;
            }
        }

        ulong mine = RendezvousOwnership.Weight(Id, -1);
        foreach (string peer in ReadyPeers())
        {
            if (peer != Id && RendezvousOwnership.Weight(peer, -1) > mine)
            {
                return false;
            }
        }

        return true;
    }

    private void AdvanceJoin(DateTimeOffset now)
    {
        var elapsed = now - _startedAt;
        if (elapsed >= _options.StateTransferTimeout)
        {
            MarkSynchronized(now, "no state offer before the timeout; starting from the local model");
            return;
        }

        // Heartbeats from every live member arrive within a couple of intervals; if none of them
        // holds a model, nobody can send us one and we are the first. Only time the loop was running
        // counts: on a starved machine ticks come late (each gap counts at most half an interval),
        // and the heartbeats and offers of live members may still be waiting to be read.
        if (_listeningSince is not null)
        {
            var step = now - _lastJoinTick;
            var most = _options.HeartbeatInterval / 2;
            _listened += step < most ? step : most;
            _lastJoinTick = now;
        }

        if (_listeningSince is not null && _listened >= _options.HeartbeatInterval * 2.5 && !AnyMemberHasModel())
        {
            MarkSynchronized(now, "first member with a model");
            return;
        }

        if (!_fetching && now - _lastStateRequest >= _options.StateRequestRetry)
        {
            RequestState(now);
        }
    }

    private bool AnyMemberHasModel()
    {
        foreach (var member in _membership.Members)
        {
            if (_memberHasModel.GetValueOrDefault(member.Id))
            {
                return true;
            }
        }

        return false;
    }

    private void RequestState(DateTimeOffset now)
    {
        if (IsSynchronized)
        {
            return;
        }

        _stateNonce = _random.NextInt64(1, long.MaxValue);
        _lastStateRequest = now;
        Send(_options.ControlTopic, new StateRequestBody(_stateNonce), now);
    }

    private void MarkSynchronized(DateTimeOffset now, string how)
    {
        IsSynchronized = true;
        _fetching = false;
        _ownershipEpoch = -1;
        LogSynchronized(Id, how);
        SendHeartbeat(now);
    }

    private void Buffer(int p, PendingDelta delta)
    {
        var buffer = _buffers[p] ??= [];
        foreach (var held in buffer)
        {
            if (held.Id == delta.Id)
            {
                return; // the same contribution twice (our own, or a duplicate message)
            }
        }

        if (buffer.Count >= _options.MaxBufferedDeltas)
        {
            buffer.RemoveAt(0);
            Counters.DeltaDropped();
        }

        buffer.Add(delta);
        _usualSamples[delta.Sender] = delta.Samples;
        Counters.DeltaBuffered();
    }

    private void MaybeAggregate(int p, DateTimeOffset now)
    {
        var buffer = _buffers[p];
        int rank = Array.IndexOf(_owners[p], Id);
        if (buffer is null || buffer.Count == 0 || rank < 0)
        {
            return;
        }

        var ready = ReadyPeers();
        if (ready.Count < _options.MinPeers)
        {
            return;
        }

        var oldest = buffer[0].ReceivedAt;
        foreach (var d in buffer)
        {
            oldest = d.ReceivedAt < oldest ? d.ReceivedAt : oldest;
        }

        var age = now - oldest;
        var window = _options.Synchronous ? _options.FailureTimeout : _options.AggregationWindow;
        bool everyone = rank == 0 && ContributorsCoverAll(buffer, ready);

        // Standbys hold the same deltas and publish only if the primary stayed silent past its
        // window plus one heartbeat per rank: a crashed primary costs about one window.
        var due = rank == 0 ? window : window + (_options.HeartbeatInterval * (2 * rank));
        if (!everyone && age < due)
        {
            return;
        }

        Aggregate(p, buffer, now);
    }

    private static bool ContributorsCoverAll(List<PendingDelta> buffer, IReadOnlyList<string> ready)
    {
        foreach (string peer in ready)
        {
            bool found = false;
            foreach (var d in buffer)
            {
                if (d.Sender == peer)
                {
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// W_p ← W_p − Σ wᵢΔᵢ / max(Σ wᵢ, Σ nⱼ) with wᵢ = samplesᵢ / (1 + sᵢ) · min(1, roundᵢ / JoinRampRounds),
    /// sᵢ = versions behind (deltas more than MaxStaleness behind are dropped), the ramp keeping a
    /// newcomer's first rounds (fresh optimizer, big steps) from shaking the fleet model, and nⱼ the usual round size of every live
    /// peer j: a peer that sent nothing this window counts as a zero update. Without that term a
    /// lone small delta (a joiner's 2-sample warm-up round) would move the fleet model as much as a
    /// full round of everybody, which is the score spike a join must not cause.
    /// </summary>
    private void Aggregate(int p, List<PendingDelta> buffer, DateTimeOffset now)
    {
        var range = _layout.Range(p);
        var sum = new float[_layout.Length(p)];
        double totalWeight = 0;
        var included = new List<ulong>(buffer.Count);
        foreach (var d in buffer)
        {
            long staleness = Math.Max(0, _versions[p] - d.BaseVersion);
            if (staleness > _options.MaxStaleness)
            {
                Counters.DeltaDropped();
                continue;
            }

            float weight = d.Samples / (1f + staleness) * Math.Clamp(d.Round / (float)_options.JoinRampRounds, 0f, 1f);
            TensorPrimitives.MultiplyAdd(d.Delta, weight, sum, sum);
            totalWeight += weight;
            included.Add(d.Id);
        }

        buffer.Clear();
        if (totalWeight <= 0)
        {
            return;
        }

        double expected = 0;
        foreach (string peer in ReadyPeers())
        {
            expected += _usualSamples.GetValueOrDefault(peer);
        }

        var values = _model.AsSpan(range).ToArray();
        TensorPrimitives.MultiplyAdd(sum, (float)(-_options.AggregationStep / Math.Max(totalWeight, expected)), values, values);
        if (_options.ServerMomentum > 0 && _previousVersion[p] == _versions[p] - 1)
        {
            // Heavy ball: W ← W − step + β (W − W_previous); data that keeps pulling one way (a vehicle's
            // new normal) is learnt up to 1/(1−β) times faster, noise that changes sign is not.
            var lastStep = new float[values.Length];
            TensorPrimitives.Subtract(_model.AsSpan(range), _previous.AsSpan(range), lastStep);
            TensorPrimitives.MultiplyAdd(lastStep, (float)_options.ServerMomentum, values, values);
        }

        if (!FiniteCheck.AllFinite(values))
        {
            LogAggregationNotFinite(p);
            return;
        }

        long version = _versions[p] + 1;
        RememberPrevious(p, version);
        values.CopyTo(_model.AsSpan(range));
        _versions[p] = version;
        _publisherWeight[p] = RendezvousOwnership.Weight(Id, p);
        _lastUpdateAt[p] = now;
        Send(_options.ModelTopic, new PartitionUpdateBody(p, version, [.. included], values), now);
        Counters.UpdatePublished();
    }

    /// <summary>Keeps partition <paramref name="p"/>'s current values as the previous version when <paramref name="version"/> follows it directly (else there is no last step).</summary>
    private void RememberPrevious(int p, long version)
    {
        if (version == _versions[p] + 1)
        {
            var range = _layout.Range(p);
            _model.AsSpan(range).CopyTo(_previous.AsSpan(range));
            _previousVersion[p] = _versions[p];
        }
        else if (version != _versions[p])
        {
            _previousVersion[p] = NoPrevious;
        }
    }

    private List<string> ReadyPeers()
    {
        var ready = new List<string>();
        if (Role == PeerRole.Peer && IsSynchronized)
        {
            ready.Add(Id);
        }

        foreach (var member in _membership.Members)
        {
            if (member.Role == PeerRole.Peer && _memberHasModel.GetValueOrDefault(member.Id))
            {
                ready.Add(member.Id);
            }
        }

        ready.Sort(StringComparer.Ordinal);
        return ready;
    }

    /// <summary>Recomputes owners when the membership or readiness changed; (un)subscribes delta topics to match.</summary>
    private void RefreshOwnership()
    {
        if (_ownershipEpoch == _membership.Epoch)
        {
            return;
        }

        _ownershipEpoch = _membership.Epoch;
        var candidates = ReadyPeers();
        for (int p = 0; p < _layout.Count; p++)
        {
            _owners[p] = [.. RendezvousOwnership.Owners(candidates, p, _options.Replication)];
            string topic = _options.DeltaTopic(p);
            bool own = Array.IndexOf(_owners[p], Id) >= 0;
            if (own)
            {
                Subscribe(topic);
            }
            else if (_subscriptions.Remove(topic))
            {
                _actions.Add(new UnsubscribeAction(topic));
                _buffers[p]?.Clear();
            }
        }
    }

    private void Subscribe(string topic)
    {
        if (_subscriptions.Add(topic))
        {
            _actions.Add(new SubscribeAction(topic));
        }
    }

    private void SendHeartbeat(DateTimeOffset now)
    {
        _lastHeartbeat = now;
        Send(_options.ControlTopic, new HeartbeatBody(RoundsCompleted, _model.Length, [.. _versions], IsSynchronized), now);
    }

    private void Send(string topic, MessageBody body, DateTimeOffset now)
    {
        var header = new MessageHeader(body.Type, Id, Role, Incarnation, ++_sequence, now.ToUnixTimeMilliseconds());
        byte[] payload = _codec.Encode(topic, header, body);
        _actions.Add(new PublishAction(topic, payload));
        Counters.Sent(payload.Length);
    }

    private void Notify(MembershipChange? change)
    {
        if (change is { } c)
        {
            _ownershipEpoch = -1;
            LogMembership(c.Kind, c.Member, c.Role);
            MembershipChanged?.Invoke(c);
        }
    }

    private void Reject(RejectReason reason, string sender, string detail)
    {
        Counters.Reject(reason);
        LogRejected(reason, sender, detail);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Member {Member} ({Role}): {Kind}")]
    private partial void LogMembership(MembershipChangeKind kind, string member, PeerRole role);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Rejected message ({Reason}) from {Sender}: {Detail}")]
    private partial void LogRejected(RejectReason reason, string sender, string detail);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Node {Node} synchronized: {How}")]
    private partial void LogSynchronized(string node, string how);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Aggregation of partition {Partition} produced non-finite values; skipped")]
    private partial void LogAggregationNotFinite(int partition);
}
