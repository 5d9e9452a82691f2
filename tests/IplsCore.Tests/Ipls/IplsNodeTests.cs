using IplsCore.Ipls;
using IplsCore.Ipls.Membership;
using IplsCore.Ipls.Node;
using IplsCore.Ipls.Wire;

namespace IplsCore.Tests.Ipls;

public class IplsNodeTests
{
    private const int Parameters = 40;
    // No join ramp here, so expected values stay simple; the ramp has its own test.
    private static readonly IplsOptions Options = new() { FleetId = "t", Partitions = 4, Replication = 2, JoinRampRounds = 1 };

    private static float[] Model(float value) => Enumerable.Repeat(value, Parameters).ToArray();

    private static NodeHarness FleetOf(params string[] ids)
    {
        var harness = new NodeHarness(Options, Model(1f));
        foreach (var id in ids)
        {
            harness.Add(id);
        }

        harness.Run(TimeSpan.FromSeconds(5));
        return harness;
    }

    [Fact]
    public void Join_EveryPeerSynchronizesAndAllAgreeOnOwners()
    {
        var harness = FleetOf("a", "b", "c", "d");

        string[] ids = ["a", "b", "c", "d"];
        Assert.All(ids, id => Assert.True(harness[id].IsSynchronized));
        for (int p = 0; p < Options.Partitions; p++)
        {
            var owners = harness["a"].OwnersOf(p);
            Assert.Equal(2, owners.Count);
            Assert.All(ids, id => Assert.Equal(owners, harness[id].OwnersOf(p)));
            Assert.Equal(RendezvousOwnership.Owners(ids, p, 2), owners);
        }
    }

    [Fact]
    public void Round_OwnersPublishTheSampleWeightedMeanDelta_EverybodyAdoptsIt()
    {
        var harness = FleetOf("a", "b", "c");
        var baseVersions = harness["a"].Versions.ToArray();

        // Δ = W_start − W_after; a trained on 10 samples, b on 30, c on 60.
        harness["a"].SubmitDelta(Model(0.1f), baseVersions, 10, 1, harness.Now);
        harness["b"].SubmitDelta(Model(0.2f), baseVersions, 30, 1, harness.Now);
        harness["c"].SubmitDelta(Model(0.4f), baseVersions, 60, 1, harness.Now);
        harness.Pump();
        harness.Run(TimeSpan.FromSeconds(1));

        float expected = 1f - (((10 * 0.1f) + (30 * 0.2f) + (60 * 0.4f)) / 100f);
        foreach (var id in new[] { "a", "b", "c" })
        {
            Assert.All(harness[id].FleetModel.ToArray(), v => Assert.Equal(expected, v, 1e-5f));
            Assert.All(harness[id].Versions.ToArray(), v => Assert.Equal(baseVersions[0] + 1, v));
        }
    }

    [Fact]
    public void Round_WithSomePeersSilent_PublishesAfterTheWindowWithoutWaiting()
    {
        var harness = FleetOf("a", "b", "c");
        var baseVersions = harness["a"].Versions.ToArray();

        harness["a"].SubmitDelta(Model(0.5f), baseVersions, 10, 1, harness.Now);
        harness.Pump();
        harness.Run(Options.AggregationWindow + TimeSpan.FromMilliseconds(500));

        Assert.All(harness["b"].FleetModel.ToArray(), v => Assert.Equal(0.5f, v, 1e-6f));
    }

    [Fact]
    public void Primary_KilledMidRound_StandbyPublishesWithinAboutOneWindow()
    {
        var harness = FleetOf("a", "b", "c", "d");
        string primary = harness["a"].OwnersOf(0)[0];
        string standby = harness["a"].OwnersOf(0)[1];
        string reporter = new[] { "a", "b", "c", "d" }.First(id => id != primary && id != standby);
        var baseVersions = harness[reporter].Versions.ToArray();

        harness.Kill(primary);
        foreach (var id in new[] { "a", "b", "c", "d" }.Where(id => id != primary))
        {
            harness[id].SubmitDelta(Model(0.25f), baseVersions, 33, 1, harness.Now);
        }

        harness.Pump();
        harness.Run(Options.AggregationWindow + (Options.HeartbeatInterval * 2) + TimeSpan.FromMilliseconds(500));

        Assert.Equal(baseVersions[0] + 1, harness[reporter].Versions[0]);
        Assert.Equal(0.75f, harness[reporter].FleetModel[harness[reporter].Layout.Offset(0)], 1e-6f);

        // After the failure timeout the dead primary is out of everyone's ownership.
        harness.Run(Options.FailureTimeout + TimeSpan.FromSeconds(1));
        for (int p = 0; p < Options.Partitions; p++)
        {
            Assert.DoesNotContain(primary, harness[reporter].OwnersOf(p));
        }
    }

    [Fact]
    public void Joiner_ReceivesTheCurrentModelByStateTransfer_AndTheOthersModelDoesNotMove()
    {
        var harness = FleetOf("a", "b", "c");
        var baseVersions = harness["a"].Versions.ToArray();
        foreach (var id in new[] { "a", "b", "c" })
        {
            harness[id].SubmitDelta(Model(0.3f), baseVersions, 33, 1, harness.Now);
        }

        harness.Pump();
        harness.Run(TimeSpan.FromSeconds(3));
        var before = harness["a"].FleetModel.ToArray();
        var versionsBefore = harness["a"].Versions.ToArray();

        var joiner = harness.Add("z", model: Model(-5f)); // a stale, very different local model
        harness.Run(TimeSpan.FromSeconds(5));

        Assert.True(joiner.IsSynchronized);
        Assert.Equal(1, joiner.Counters.StateTransfersCompleted);
        Assert.Equal(before, joiner.FleetModel.ToArray());
        Assert.Equal(before, harness["a"].FleetModel.ToArray());
        Assert.Equal(versionsBefore, harness["a"].Versions.ToArray());
    }

    [Fact]
    public void Bootstrapper_ServesStateAndOwnsNothing()
    {
        var harness = new NodeHarness(Options, Model(1f));
        harness.Add("boot", PeerRole.Bootstrapper);
        harness.Add("a");
        harness.Run(TimeSpan.FromSeconds(5));
        harness["a"].SubmitDelta(Model(0.5f), harness["a"].Versions.ToArray(), 10, 1, harness.Now);
        harness.Pump();
        harness.Run(TimeSpan.FromSeconds(3));

        var joiner = harness.Add("b", model: Model(7f));
        harness.Run(TimeSpan.FromSeconds(3));

        Assert.True(harness["boot"].Counters.StateTransfersServed >= 1);
        Assert.Equal(0, harness["a"].Counters.StateTransfersServed);
        Assert.All(joiner.FleetModel.ToArray(), v => Assert.Equal(0.5f, v, 1e-6f));
        for (int p = 0; p < Options.Partitions; p++)
        {
            Assert.DoesNotContain("boot", harness["a"].OwnersOf(p));
        }

        Assert.All(harness["boot"].FleetModel.ToArray(), v => Assert.Equal(0.5f, v, 1e-6f));
    }

    [Fact]
    public void FirstMember_StartsFromItsOwnModelWithoutWaitingForTheTimeout()
    {
        var harness = new NodeHarness(Options, Model(1f));
        var node = harness.Add("solo");

        harness.Run(Options.HeartbeatInterval * 3);

        Assert.True(node.IsSynchronized);
        Assert.True(harness.Now - new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero) < Options.StateTransferTimeout);
    }

    [Fact]
    public void FirstMember_SilenceCountsOnlyOnceTheControlSubscriptionIsLive()
    {
        // A joiner whose broker connection is slow heard nothing because it was not yet listening; it
        // must not take that silence for being alone and skip state transfer.
        var start = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
        var node = new IplsNode(Options, "late", PeerRole.Peer, 1, MessageCodec.FromToken("0123456789abcdef-token"), Model(1f));
        node.Start(start);
        var now = start;
        // Five heartbeat intervals: well past the 2.5 of the first-member rule, short of the timeout.
        for (int i = 0; i < 5; i++)
        {
            now += Options.HeartbeatInterval;
            node.Tick(now);
        }

        Assert.False(node.IsSynchronized);

        node.DrainActions();
        node.OnSubscribed(Options.ControlTopic, now);
        Assert.Contains(node.DrainActions(), a => a is PublishAction p && p.Topic == Options.ControlTopic);

        TickEvery(node, ref now, TimeSpan.FromMilliseconds(250), Options.HeartbeatInterval * 2);
        Assert.False(node.IsSynchronized);
        TickEvery(node, ref now, TimeSpan.FromMilliseconds(250), Options.HeartbeatInterval);
        Assert.True(node.IsSynchronized);
    }

    [Fact]
    public void FirstMember_OnAStarvedLoop_ListensLonger()
    {
        // A busy machine: the node's loop runs every 2 s instead of every 250 ms. Wall-clock silence
        // then said "first member" while live members' heartbeats were still waiting to be read.
        var start = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
        var node = new IplsNode(Options, "busy", PeerRole.Peer, 1, MessageCodec.FromToken("0123456789abcdef-token"), Model(1f));
        node.Start(start);
        var now = start;
        node.OnSubscribed(Options.ControlTopic, now);
        TickEvery(node, ref now, Options.HeartbeatInterval * 2, Options.HeartbeatInterval * 6);
        Assert.False(node.IsSynchronized);

        TickEvery(node, ref now, TimeSpan.FromMilliseconds(250), Options.HeartbeatInterval * 3);
        Assert.True(node.IsSynchronized);
    }

    private static void TickEvery(IplsNode node, ref DateTimeOffset now, TimeSpan step, TimeSpan duration)
    {
        var end = now + duration;
        while (now < end)
        {
            now += step;
            node.Tick(now);
        }
    }

    [Fact]
    public void Leave_IsSeenAtOnce()
    {
        var harness = FleetOf("a", "b");
        var changes = new List<MembershipChange>();
        harness["a"].MembershipChanged += changes.Add;

        harness["b"].Leave(harness.Now);
        harness.Pump();

        Assert.Contains(changes, c => c.Kind == MembershipChangeKind.Left && c.Member == "b");
        Assert.False(harness["a"].Membership.Contains("b"));
    }

    [Fact]
    public void ForgedReplayedAndStaleMessages_AreDroppedAndCounted()
    {
        var harness = FleetOf("a", "b");
        var a = harness["a"];
        var heartbeat = harness.Published.Last(m => m.Topic == Options.ControlTopic);

        var forged = MessageCodec.FromToken("attacker-does-not-know-it").Encode(Options.ControlTopic, new MessageHeader(MessageType.Leave, "b", PeerRole.Peer, 1, 999, harness.Now.ToUnixTimeMilliseconds()), new LeaveBody());
        harness.Inject(Options.ControlTopic, forged);
        harness.Inject(heartbeat.Topic, heartbeat.Payload);
        var stale = NodeHarness.Codec.Encode(Options.ControlTopic, new MessageHeader(MessageType.Leave, "b", PeerRole.Peer, 1, 5000, harness.Now.AddHours(-1).ToUnixTimeMilliseconds()), new LeaveBody());
        harness.Inject(Options.ControlTopic, stale);

        Assert.Equal(1, a.Counters.Rejected(RejectReason.BadSignature));
        Assert.True(a.Counters.Rejected(RejectReason.Replayed) >= 1);
        Assert.Equal(1, a.Counters.Rejected(RejectReason.Stale));
        Assert.True(a.Membership.Contains("b")); // none of them made b leave
    }

    [Theory]
    [InlineData("nan", RejectReason.NonFinite)]
    [InlineData("short", RejectReason.WrongLength)]
    [InlineData("huge", RejectReason.NormOutOfBounds)]
    [InlineData("partition", RejectReason.Incompatible)]
    public void BadDeltas_AreRejectedAndNeverReachTheModel(string kind, RejectReason expected)
    {
        var harness = FleetOf("a", "b");
        int p = 0;
        string owner = harness["a"].OwnersOf(p)[0];
        var target = harness[owner];
        int length = target.Layout.Length(p);
        var values = kind switch
        {
            "nan" => Enumerable.Repeat(float.NaN, length).ToArray(),
            "short" => new float[length - 1],
            "huge" => Enumerable.Repeat(1000f, length).ToArray(),
            _ => new float[length],
        };
        int partition = kind == "partition" ? 1 : p;
        var payload = NodeHarness.Codec.Encode(Options.DeltaTopic(p), new MessageHeader(MessageType.Delta, "mallory", PeerRole.Peer, 1, 1, harness.Now.ToUnixTimeMilliseconds()), new DeltaBody(partition, target.Versions[p], 10, 1, values));

        harness.Inject(Options.DeltaTopic(p), payload);
        harness.Run(TimeSpan.FromSeconds(3));

        Assert.Equal(1, target.Counters.Rejected(expected));
        Assert.All(target.FleetModel.ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void RestartedPeer_WithNewIncarnation_IsAcceptedAsTheSameMember()
    {
        var harness = FleetOf("a", "b");
        var changes = new List<MembershipChange>();
        harness["a"].MembershipChanged += changes.Add;

        harness.Kill("b");
        harness.Add("b", incarnation: 2);
        harness.Run(TimeSpan.FromSeconds(3));

        Assert.Contains(changes, c => c.Kind == MembershipChangeKind.Restarted && c.Member == "b");
        Assert.True(harness["b"].IsSynchronized);
        Assert.Equal(0, harness["a"].Counters.Rejected(RejectReason.Replayed));
    }

    [Fact]
    public void StaleDelta_BeyondMaxStaleness_IsDropped()
    {
        var harness = FleetOf("a", "b");
        var old = harness["a"].Versions.ToArray();
        for (int round = 1; round <= Options.MaxStaleness + 1; round++)
        {
            harness["a"].SubmitDelta(Model(0.01f), harness["a"].Versions.ToArray(), 10, round, harness.Now);
            harness.Pump();
            harness.Run(TimeSpan.FromSeconds(3));
        }

        var versions = harness["b"].Versions.ToArray();
        harness["a"].SubmitDelta(Model(0.5f), old, 10, 99, harness.Now);
        harness.Pump();
        harness.Run(TimeSpan.FromSeconds(6)); // past the standby's window too

        Assert.Equal(versions, harness["b"].Versions.ToArray());
        // b owns every partition (2 peers, R = 2) and refuses the stale delta on arrival; a drops its own copy when aggregating.
        Assert.Equal(Options.Partitions, harness["b"].Counters.Rejected(RejectReason.Stale));
        Assert.Equal(Options.Partitions, harness["a"].Counters.DeltasDropped);
    }

    [Fact]
    public void NewcomersFirstRounds_WeighLess_AndCountAgainstTheUsualRoundOfEveryPeer()
    {
        var harness = new NodeHarness(Options with { JoinRampRounds = 10 }, Model(1f));
        harness.Add("a");
        harness.Add("b");
        harness.Run(TimeSpan.FromSeconds(5));
        var versions = harness["a"].Versions.ToArray();

        // Round 10 counts fully; b's round 1 only a tenth. Both usually train on 33 samples.
        harness["a"].SubmitDelta(Model(0.5f), versions, 33, 10, harness.Now);
        harness["b"].SubmitDelta(Model(-0.5f), versions, 33, 1, harness.Now);
        harness.Pump();
        harness.Run(TimeSpan.FromSeconds(1));

        // (33·0.5 − 3.3·0.5) / max(36.3, 66) = 14.85 / 66
        float expected = 1f - (14.85f / 66f);
        Assert.All(harness["a"].FleetModel.ToArray(), v => Assert.Equal(expected, v, 1e-5f));

        // A lone delta later on moves the model by its share of the usual total only.
        versions = harness["a"].Versions.ToArray();
        harness["a"].SubmitDelta(Model(0.66f), versions, 33, 11, harness.Now);
        harness.Pump();
        harness.Run(Options.AggregationWindow + TimeSpan.FromSeconds(1));
        Assert.All(harness["b"].FleetModel.ToArray(), v => Assert.Equal(expected - 0.33f, v, 1e-5f));
    }
}
