using IplsCore.Ipls;
using IplsCore.Ipls.Node;
using IplsCore.Ipls.Simulation;
using IplsCore.Ipls.Wire;
using IplsCore.Transport.Simulation;

namespace IplsCore.Tests.Ipls;

/// <summary>IPLS nodes on the simulated network under loss, duplication, reordering, splits and crashes.</summary>
public class IplsOnSimulatedNetworkTests
{
    private const int Parameters = 64;
    private static readonly IplsOptions Options = new() { FleetId = "sim", Partitions = 8, Replication = 2, JoinRampRounds = 1 };
    private static readonly MessageCodec Codec = MessageCodec.FromToken("simulated-fleet-secret");

    private static IplsNode NewNode(string id, long incarnation = 1, float value = 1f) =>
        new(Options, id, PeerRole.Peer, incarnation, Codec, Enumerable.Repeat(value, Parameters).ToArray(), seed: 1);

    private static Dictionary<string, SimulatedNodeHost> Fleet(SimulatedNetwork network, int count)
    {
        var hosts = new Dictionary<string, SimulatedNodeHost>();
        for (int i = 0; i < count; i++)
        {
            string id = $"p{i}";
            hosts[id] = new SimulatedNodeHost(network, NewNode(id));
        }

        network.RunFor(TimeSpan.FromSeconds(5));
        return hosts;
    }

    /// <summary>Every live node submits one round's delta from its current fleet model.</summary>
    private static void Round(SimulatedNetwork network, IEnumerable<SimulatedNodeHost> hosts, int round)
    {
        foreach (var host in hosts.Where(h => h.Up))
        {
            var delta = Enumerable.Repeat(0.01f * ((round % 3) + 1), Parameters).ToArray();
            host.Node.SubmitDelta(delta, host.Node.Versions.ToArray(), 33, round, network.Now);
            host.Flush();
        }
    }

    private static void AssertConverged(IEnumerable<SimulatedNodeHost> hosts)
    {
        var live = hosts.Where(h => h.Up).ToList();
        var first = live[0].Node;
        foreach (var host in live.Skip(1))
        {
            Assert.Equal(first.Versions.ToArray(), host.Node.Versions.ToArray());
            Assert.Equal(first.FleetModel.ToArray(), host.Node.FleetModel.ToArray());
        }
    }

    [Fact]
    public void LossDuplicationAndReordering_FleetStillConvergesAndDuplicatesAreDropped()
    {
        var network = new SimulatedNetwork(11, new SimulatedNetworkOptions { LossRate = 0.1, DuplicateRate = 0.2, Jitter = TimeSpan.FromMilliseconds(200) });
        var hosts = Fleet(network, 4);

        for (int round = 1; round <= 20; round++)
        {
            Round(network, hosts.Values, round);
            network.RunFor(TimeSpan.FromSeconds(8.25));
        }

        // Lost updates are healed by the next ones; give the last round time to settle.
        network.Options = new SimulatedNetworkOptions();
        Round(network, hosts.Values, 21);
        network.RunFor(TimeSpan.FromSeconds(10));

        AssertConverged(hosts.Values);
        Assert.All(hosts.Values, h => Assert.True(h.Node.Versions.ToArray().All(v => v >= 15), string.Join(',', h.Node.Versions.ToArray())));
        Assert.True(hosts.Values.Sum(h => h.Node.Counters.Rejected(RejectReason.Replayed)) > 0);
        Assert.All(hosts.Values, h => Assert.Equal(0, h.Node.Counters.Rejected(RejectReason.BadSignature)));
    }

    [Fact]
    public void Split_BothSidesKeepTraining_ThenHealIntoOneModel()
    {
        var network = new SimulatedNetwork(5);
        var hosts = Fleet(network, 4);
        network.Split(["p0", "p1"], ["p2", "p3"]);

        for (int round = 1; round <= 4; round++)
        {
            Round(network, hosts.Values, round);
            network.RunFor(TimeSpan.FromSeconds(8));
        }

        // Each side made progress on its own (no stall), then the split heals.
        Assert.All(hosts.Values, h => Assert.True(h.Node.Versions[0] >= 4));
        network.Heal();
        network.RunFor(TimeSpan.FromSeconds(6));
        Round(network, hosts.Values, 5);
        network.RunFor(TimeSpan.FromSeconds(5));

        AssertConverged(hosts.Values);
        Assert.All(hosts.Values, h => Assert.Equal(3, h.Node.Membership.Members.Count));
    }

    [Fact]
    public void CrashedPeer_RestartsUnderItsId_GetsTheFleetModelAndRejoins()
    {
        var network = new SimulatedNetwork(3);
        var hosts = Fleet(network, 4);
        Round(network, hosts.Values, 1);
        network.RunFor(TimeSpan.FromSeconds(5));

        hosts["p2"].Crash();
        for (int round = 2; round <= 4; round++)
        {
            Round(network, hosts.Values, round);
            network.RunFor(TimeSpan.FromSeconds(8));
        }

        // The survivors kept aggregating without the dead peer.
        Assert.Equal(4, hosts["p0"].Node.Versions[0]);
        hosts["p2"].Restart(NewNode("p2", incarnation: 2, value: 9f));
        network.RunFor(TimeSpan.FromSeconds(5));

        Assert.True(hosts["p2"].Node.IsSynchronized);
        Assert.Equal(1, hosts["p2"].Node.Counters.StateTransfersCompleted);
        AssertConverged(hosts.Values);
    }

    [Fact]
    public void SameSeed_SameRun()
    {
        static long[] Run()
        {
            var network = new SimulatedNetwork(9, new SimulatedNetworkOptions { LossRate = 0.05, Jitter = TimeSpan.FromMilliseconds(50) });
            var hosts = Fleet(network, 5);
            for (int round = 1; round <= 5; round++)
            {
                Round(network, hosts.Values, round);
                network.RunFor(TimeSpan.FromSeconds(8));
            }

            return [.. hosts.Values.SelectMany(h => h.Node.Versions.ToArray()), network.EventsProcessed];
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void AllNodes_AgreeOnOwners_AndEachPartitionHasTwo()
    {
        var network = new SimulatedNetwork(21, new SimulatedNetworkOptions { Jitter = TimeSpan.FromMilliseconds(100) });
        var hosts = Fleet(network, 6);

        for (int p = 0; p < Options.Partitions; p++)
        {
            var owners = hosts["p0"].Node.OwnersOf(p);
            Assert.Equal(2, owners.Count);
            Assert.All(hosts.Values, h => Assert.Equal(owners, h.Node.OwnersOf(p)));
        }

        var (primary, standby) = hosts["p0"].Node.OwnedPartitions();
        Assert.Empty(primary.Intersect(standby));
    }

    [Fact]
    public void PrimaryCrash_StandbyPublishesWithinOneWindow_AndOwnershipMovesAfterTheTimeout()
    {
        var network = new SimulatedNetwork(8);
        var hosts = Fleet(network, 4);
        string primary = hosts["p0"].Node.OwnersOf(0)[0];
        string standby = hosts["p0"].Node.OwnersOf(0)[1];
        var reporter = hosts.Values.First(h => h.Node.Id != primary && h.Node.Id != standby);
        long before = reporter.Node.Versions[0];

        hosts[primary].Crash();
        Round(network, hosts.Values, 1);
        network.RunFor(Options.AggregationWindow + (Options.HeartbeatInterval * 2) + TimeSpan.FromMilliseconds(500));

        Assert.Equal(before + 1, reporter.Node.Versions[0]);
        Assert.True(hosts[standby].Node.Counters.UpdatesPublished > 0);

        network.RunFor(Options.FailureTimeout);
        Assert.All(hosts.Values.Where(h => h.Up), h => Assert.DoesNotContain(primary, h.Node.OwnersOf(0)));
    }

    [Fact]
    public void ForgedAndCorruptedMessages_OnTheNetwork_AreCountedAndChangeNothing()
    {
        var network = new SimulatedNetwork(4);
        var hosts = Fleet(network, 3);
        var attacker = network.Attach("mallory", (_, _) => { });
        var forgedCodec = MessageCodec.FromToken("not-the-fleet-secret-at-all");
        var before = hosts["p0"].Node.FleetModel.ToArray();

        for (int p = 0; p < Options.Partitions; p++)
        {
            var values = Enumerable.Repeat(100f, hosts["p0"].Node.Layout.Length(p)).ToArray();
            attacker.Publish(Options.ModelTopic, forgedCodec.Encode(Options.ModelTopic, new MessageHeader(MessageType.PartitionUpdate, "p1", PeerRole.Peer, 1, 10_000 + p, network.Now.ToUnixTimeMilliseconds()), new PartitionUpdateBody(p, 999, [], values)));
        }

        attacker.Publish(Options.ControlTopic, [1, 2, 3]);
        network.RunFor(TimeSpan.FromSeconds(2));

        Assert.Equal(before, hosts["p0"].Node.FleetModel.ToArray());
        Assert.Equal(Options.Partitions, hosts["p0"].Node.Counters.Rejected(RejectReason.BadSignature));
        Assert.Equal(1, hosts["p0"].Node.Counters.Rejected(RejectReason.Malformed));
    }
}
