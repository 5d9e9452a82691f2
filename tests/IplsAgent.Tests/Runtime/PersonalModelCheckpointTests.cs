using IplsCore.Persistence;
using IplsAgent.Runtime;

namespace IplsAgent.Tests.Runtime;

/// <summary>The personal model (scoreWith: personal, never shared) is saved with the agent's checkpoint and survives a restart.</summary>
public sealed class PersonalModelCheckpointTests : BrokerTestBase
{
    private Task<AgentSupervisor> Peer(string state, bool generator, string mode = "anomaly") => TestAgents.StartAsync(Port, state, new Dictionary<string, object>
    {
        ["agentId"] = "car-1",
        ["vehicle"] = 1,
        ["generator"] = new Dictionary<string, object> { ["enabled"] = generator, ["rateHz"] = 40, ["mode"] = mode },
    });

    [Fact]
    public async Task PersonalModel_IsCheckpointed_AndARestartResumesFromIt()
    {
        string state = Dir.File("state-1");
        float[] initial;
        await using (var first = await Peer(state, generator: true))
        {
            initial = first.Runtime.Runner.FleetModel.Parameters.ToArray();

            // On anomaly data the personal model is fitted by itself and leaves the fleet model's path.
            await Eventually.TrueAsync(
                () => first.Runtime.PersonalModel is { } p && first.Runtime.Runner.FleetModel.Versions.All(v => v >= 2)
                    && !p.Parameters.SequenceEqual(initial) && !p.Parameters.SequenceEqual(first.Runtime.Runner.FleetModel.Parameters),
                "the personal model trains apart from the fleet model",
                seconds: 60);
            await first.StopAsync(CancellationToken.None);
        }

        float[] saved = ModelFile.ReadFile(Path.Combine(state, "personal.iplsm")).Network.Parameters.ToArray();
        float[] fleet = ModelFile.ReadFile(Path.Combine(state, "checkpoint.iplsm")).Network.Parameters.ToArray();
        Assert.NotEqual(fleet, saved);
        Assert.NotEqual(initial, saved);

        // Without data the personal model cannot change: what the second run holds is what it resumed.
        await using var second = await Peer(state, generator: false);
        Assert.Equal(saved, second.Runtime.PersonalModel!.Parameters.ToArray());
        Assert.Equal(fleet, second.Runtime.Runner.FleetModel.Parameters.ToArray());
    }

    [Fact]
    public async Task UnreadablePersonalModel_IsReported_AndThePersonalModelStartsFromTheFleetModel()
    {
        string state = Dir.File("state-1");
        await using (var first = await Peer(state, generator: true, mode: "normal"))
        {
            await Eventually.TrueAsync(() => first.Runtime.Runner.FleetModel.Versions.All(v => v >= 2), "rounds are aggregated", seconds: 60);
        }

        Assert.True(File.Exists(Path.Combine(state, "personal.iplsm")));
        File.WriteAllText(Path.Combine(state, "personal.iplsm"), "not a model");

        await using var second = await Peer(state, generator: false);
        Assert.Equal(second.Runtime.Runner.FleetModel.Parameters.ToArray(), second.Runtime.PersonalModel!.Parameters.ToArray());
        Assert.Contains(second.Logs.Since(0).Lines, l => l.Message.Contains("personal.iplsm", StringComparison.Ordinal) && l.Message.Contains("starts from the fleet model", StringComparison.Ordinal));
    }
}
