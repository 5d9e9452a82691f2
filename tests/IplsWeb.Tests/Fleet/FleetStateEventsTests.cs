using IplsCore.Control;
using IplsCore.Ipls;
using IplsWeb.Fleet;

namespace IplsWeb.Tests.Fleet;

/// <summary>What the events page says about agents: a goodbye is "Left", silence is "Lost"; counters count once.</summary>
public sealed class FleetStateEventsTests
{
    [Fact]
    public void AConnectionEndingAfterAGoodbye_IsLeft_WithoutOne_IsLost()
    {
        var fleet = new FleetState(TimeProvider.System);
        fleet.OnRegistered(Registration("car-1"), "c1");
        fleet.OnLeaving("car-1", "c1");
        fleet.OnDisconnected("c1");
        fleet.OnRegistered(Registration("car-1"), "c2");
        fleet.OnDisconnected("c2"); // kill -9: the socket closes, no goodbye

        var kinds = fleet.Events().Reverse().Where(e => e.Subject == "car-1").Select(e => e.Kind).ToArray();
        Assert.Equal([FleetEventKind.Joined, FleetEventKind.Left, FleetEventKind.Joined, FleetEventKind.Lost], kinds);
    }

    [Fact]
    public void CumulativeRejections_AfterADashboardRestart_AreRecordedOnlyByTheirIncrease()
    {
        var before = new FleetState(TimeProvider.System);
        before.OnRegistered(Registration("car-2"), "c1");
        before.OnStatus(Status("car-2", new Dictionary<string, long> { ["malformed"] = 3 }, null));
        Assert.Contains(before.Events(), e => e.Kind == FleetEventKind.Rejected && e.Detail.StartsWith("3 × malformed", StringComparison.Ordinal));

        // The dashboard restarts: a new, empty state. The agent says what the last dashboard already got.
        var after = new FleetState(TimeProvider.System);
        after.OnRegistered(Registration("car-2"), "c9");
        after.OnStatus(Status("car-2", new Dictionary<string, long> { ["malformed"] = 3 }, new Dictionary<string, long> { ["malformed"] = 3 }));
        after.OnStatus(Status("car-2", new Dictionary<string, long> { ["malformed"] = 5 }, new Dictionary<string, long> { ["malformed"] = 3 }));

        var rejected = after.Events().Where(e => e.Kind == FleetEventKind.Rejected).Select(e => e.Detail).ToArray();
        Assert.Equal(["2 × malformed (total 5)"], rejected);
    }

    private static AgentRegistration Registration(string id) => new(id, 1, PeerRole.Peer, "1.0", "linux", "x64", "0123456789abcdef", "{}");

    private static AgentStatusReport Status(string id, Dictionary<string, long> rejected, Dictionary<string, long>? before) => new()
    {
        AgentId = id,
        Vehicle = 1,
        Role = PeerRole.Peer,
        State = AgentRunState.Running,
        At = DateTimeOffset.UtcNow,
        Synchronized = true,
        BrokerConnected = true,
        RoundsDone = 0,
        Threshold = 0.08,
        SamplesScored = 0,
        ScoresAboveThreshold = 0,
        Partitions = [],
        Peers = [],
        Rejected = AgentRejections.FromWire(rejected),
        RejectedBefore = before is null ? null : AgentRejections.FromWire(before),
        CpuPercent = 0,
        MemoryMb = 0,
    };
}
