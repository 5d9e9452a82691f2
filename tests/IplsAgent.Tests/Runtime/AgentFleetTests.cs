using System.Text.Json;
using IplsCore.Control;
using IplsCore.Ipls;
using IplsAgent.Runtime;

namespace IplsAgent.Tests.Runtime;

/// <summary>Agents doing IPLS with each other over a real broker, and resuming from their checkpoints.</summary>
public sealed class AgentFleetTests : BrokerTestBase
{
    private Task<AgentSupervisor> Peer(int vehicle, string? role = null) => TestAgents.StartAsync(Port, Dir.File($"state-{vehicle}"), new Dictionary<string, object>
    {
        ["agentId"] = role == "bootstrapper" ? "boot" : $"car-{vehicle}",
        ["vehicle"] = vehicle,
        ["role"] = role ?? "peer",
        ["generator"] = new Dictionary<string, object> { ["enabled"] = role != "bootstrapper", ["rateHz"] = 40 },
    });

    [Fact]
    public async Task TwoPeersAndABootstrapper_TrainTogether_OwnPartitions_AndTheBootstrapperMirrorsTheModel()
    {
        await using var boot = await Peer(99, "bootstrapper");
        await using var a = await Peer(1);
        await using var b = await Peer(2);

        await Eventually.TrueAsync(
            async () => (await a.Runtime.StatusAsync(CancellationToken.None)) is { RoundsDone: >= 8 } sa && sa.Partitions.All(p => p.Version >= 3)
                && (await b.Runtime.StatusAsync(CancellationToken.None)) is { RoundsDone: >= 8 } sb && sb.Partitions.All(p => p.Version >= 3),
            "both peers train and adopt aggregated partitions",
            seconds: 60);

        var statusA = await a.Runtime.StatusAsync(CancellationToken.None);
        var statusB = await b.Runtime.StatusAsync(CancellationToken.None);
        Assert.Equal(["boot", "car-2"], statusA.Peers.Select(p => p.Id));
        Assert.Equal(PeerRole.Bootstrapper, statusA.Peers[0].Role);
        Assert.True(statusA.RoundsDone >= 3 && statusB.RoundsDone >= 3, $"rounds {statusA.RoundsDone} and {statusB.RoundsDone}");
        Assert.NotNull(statusA.LastLoss);

        // With two peers and replication 2, each partition has one primary among them and one standby.
        for (int p = 0; p < 8; p++)
        {
            var roles = new[] { statusA.Partitions[p].Ownership, statusB.Partitions[p].Ownership };
            Assert.Contains(PartitionOwnership.Primary, roles);
            Assert.Contains(PartitionOwnership.Standby, roles);
        }

        var bootStatus = await boot.Runtime.StatusAsync(CancellationToken.None);
        Assert.Equal(PeerRole.Bootstrapper, bootStatus.Role);
        Assert.All(bootStatus.Partitions, p => Assert.Equal(PartitionOwnership.None, p.Ownership));
        await Eventually.TrueAsync(() => boot.Runtime.Runner.FleetModel.Versions.All(v => v >= 3), "the bootstrapper mirrors the aggregated model");
    }

    [Fact]
    public async Task Checkpoint_IsWrittenOnStop_AndTheAgentResumesFromItAsTheSamePeer()
    {
        string state = Dir.File("state-1");
        long incarnation;
        long[] versions;
        float[] model;
        await using (var first = await Peer(1))
        {
            await Eventually.TrueAsync(() => first.Runtime.Runner.FleetModel.Versions.All(v => v >= 3), "a few rounds are aggregated", seconds: 60);
            incarnation = first.Runtime.Identity.Incarnation;
            await first.Runtime.SetThresholdAsync(0.3, CancellationToken.None);
            await first.StopAsync(CancellationToken.None);
        }

        using (var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(state, "checkpoint.json"))))
        {
            versions = [.. document.RootElement.GetProperty("versions").EnumerateArray().Select(v => v.GetInt64())];
            Assert.All(versions, v => Assert.True(v >= 3));
            Assert.Equal(0.3, document.RootElement.GetProperty("threshold").GetDouble());
        }

        model = IplsCore.Persistence.ModelFile.ReadFile(Path.Combine(state, "checkpoint.iplsm")).Network.Parameters.ToArray();

        await using var second = await Peer(1);
        Assert.Equal("car-1", second.Runtime.Identity.Id);
        Assert.True(second.Runtime.Identity.Incarnation > incarnation);
        Assert.Equal(0.3, second.Runtime.Controls.Threshold);
        var resumed = second.Runtime.Runner.FleetModel;
        Assert.Equal(versions, resumed.Versions);
        Assert.Equal(model, resumed.Parameters);
    }

    [Fact]
    public async Task TornCheckpoint_IsDetected_AndTheModelStartsAtVersionZero()
    {
        string state = Dir.File("state-1");
        await using (var first = await Peer(1))
        {
            await Eventually.TrueAsync(() => first.Runtime.Runner.FleetModel.Versions.All(v => v >= 2), "rounds are aggregated", seconds: 60);
        }

        // A crash between the two files: the versions no longer belong to the model.
        string json = File.ReadAllText(Path.Combine(state, "checkpoint.json"));
        File.WriteAllText(Path.Combine(state, "checkpoint.json"), System.Text.RegularExpressions.Regex.Replace(json, "\"versions\": \\[[^\\]]*\\]", "\"versions\": [1,1,1,1,1,1,1,1]"));

        await using var second = await Peer(1);
        Assert.All(second.Runtime.Runner.FleetModel.Versions.ToArray(), v => Assert.Equal(0, v));
        Assert.Contains(second.Logs.Since(0).Lines, l => l.Message.Contains("versions belong to another model file", StringComparison.Ordinal));
    }
}
