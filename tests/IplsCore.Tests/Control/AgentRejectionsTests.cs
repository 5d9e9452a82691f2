using System.Text.Json;
using IplsCore.Control;
using IplsCore.Ipls;
using IplsCore.Ipls.Wire;
using IplsCore.Messages;

namespace IplsCore.Tests.Control;

/// <summary>Typed rejection counters that travel as the flat map dashboards and agents already exchange.</summary>
public sealed class AgentRejectionsTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void OnTheWire_ItIsTheFlatMapOfPositiveCounts_AsBefore()
    {
        var rejections = new AgentRejections
        {
            Payload = new Dictionary<PayloadRejection, long> { [PayloadRejection.NotJson] = 3, [PayloadRejection.OutOfRange] = 0 },
            Ipls = new Dictionary<RejectReason, long> { [RejectReason.Stale] = 2 },
            TrainingQueue = 1,
            GeneratorMissed = 4,
        };

        string json = JsonSerializer.Serialize(rejections, Web);

        Assert.Equal("{\"payload:NotJson\":3,\"queue:training\":1,\"generator:missed\":4,\"ipls:Stale\":2}", json);
        Assert.Equal(3, rejections["payload:NotJson"]);
        Assert.False(rejections.ContainsKey("payload:OutOfRange"));
    }

    [Fact]
    public void TheFlatMap_ReadsBackTyped_AndKeysOfANewerAgentAreKept()
    {
        const string json = "{\"payload:OutOfRange\":2,\"ipls:BadSignature\":5,\"loop-restarts\":1,\"oversized:data\":7,\"something:new\":9}";

        var read = JsonSerializer.Deserialize<AgentRejections>(json, Web)!;

        Assert.Equal(2, read.Payload[PayloadRejection.OutOfRange]);
        Assert.Equal(5, read.Ipls[RejectReason.BadSignature]);
        Assert.Equal(1, read.LoopRestarts);
        Assert.Equal(7, read.DataOversized);
        Assert.Equal(9, read.Other["something:new"]);
        Assert.Equal(5, read.Count);
        Assert.Equal(9, read["something:new"]);
    }

    [Fact]
    public void AStatusReport_RoundTripsWithItsRejections_AsSignalRSendsIt()
    {
        var status = new AgentStatusReport
        {
            AgentId = "a",
            Vehicle = 1,
            Role = PeerRole.Peer,
            State = AgentRunState.Running,
            At = DateTimeOffset.UnixEpoch,
            Synchronized = true,
            BrokerConnected = true,
            RoundsDone = 0,
            Threshold = 0.08,
            SamplesScored = 0,
            ScoresAboveThreshold = 0,
            Partitions = [],
            Peers = [],
            Rejected = new AgentRejections { ScorePublishFailures = 2 },
            RejectedBefore = AgentRejections.None,
            CpuPercent = 0,
            MemoryMb = 0,
        };

        string json = JsonSerializer.Serialize(status, Web);
        var back = JsonSerializer.Deserialize<AgentStatusReport>(json, Web)!;

        Assert.Contains("\"rejected\":{\"score-publish\":2}", json, StringComparison.Ordinal);
        Assert.Equal(2, back.Rejected.ScorePublishFailures);
        Assert.Empty(back.RejectedBefore!);
    }
}
