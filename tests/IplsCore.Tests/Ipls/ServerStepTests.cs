using IplsCore.Configuration;
using IplsCore.Ipls;

namespace IplsCore.Tests.Ipls;

/// <summary>The owners' server step and momentum (aggregationStep, serverMomentum), failover included.</summary>
public class ServerStepTests
{
    private const int Parameters = 40;
    private static readonly string[] Ids = ["a", "b", "c", "d"];

    private static float[] Model(float value) => Enumerable.Repeat(value, Parameters).ToArray();

    private static NodeHarness FleetOf(IplsOptions options)
    {
        var harness = new NodeHarness(options, Model(1f));
        foreach (var id in Ids)
        {
            harness.Add(id);
        }

        harness.Run(TimeSpan.FromSeconds(5));
        return harness;
    }

    private static void Round(NodeHarness harness, IEnumerable<string> ids, float delta)
    {
        foreach (var id in ids)
        {
            harness[id].SubmitDelta(Model(delta), harness[id].Versions.ToArray(), 33, 1, harness.Now);
        }

        harness.Pump();
        harness.Run(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void AggregationStep_ScalesTheMeanDelta()
    {
        var harness = FleetOf(new IplsOptions { FleetId = "t", Partitions = 4, Replication = 2, JoinRampRounds = 1, AggregationStep = 2 });
        Round(harness, Ids, 0.1f);
        Assert.All(harness["a"].FleetModel.ToArray(), v => Assert.Equal(0.8f, v, 1e-5f));
    }

    [Fact]
    public void ServerMomentum_AddsAShareOfTheLastStep_AndAStandbyTakingOverKnowsIt()
    {
        var harness = FleetOf(new IplsOptions { FleetId = "t", Partitions = 4, Replication = 2, JoinRampRounds = 1, ServerMomentum = 0.5 });

        // First version: no last step yet, plain FedAvg.
        Round(harness, Ids, 0.1f);
        Assert.All(harness["a"].FleetModel.ToArray(), v => Assert.Equal(0.9f, v, 1e-5f));

        // Partition 0's primary dies; its standby aggregates the next round from the same last step.
        string primary = harness["a"].OwnersOf(0)[0];
        string reporter = Ids.First(id => id != primary && id != harness["a"].OwnersOf(0)[1]);
        harness.Kill(primary);
        var survivors = Ids.Where(id => id != primary).ToArray();
        Round(harness, survivors, 0.1f);
        harness.Run(TimeSpan.FromSeconds(5));

        // W ← W − step + β (W − W_previous): the dead primary still counts as a silent peer (3 of 4 usual rounds).
        float expected = 0.9f - (0.1f * 3 / 4) + (0.5f * (0.9f - 1f));
        Assert.Equal(2, harness[reporter].Versions[0]);
        Assert.Equal(expected, harness[reporter].FleetModel[harness[reporter].Layout.Offset(0)], 1e-5f);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(11.0, 0.0)]
    [InlineData(1.0, 1.0)]
    [InlineData(1.0, -0.1)]
    public void OutOfRangeStepOrMomentum_IsRejected(double step, double momentum)
    {
        var options = new IplsOptions { AggregationStep = step, ServerMomentum = momentum };
        Assert.Throws<ConfigurationException>(() => options.Validate(Parameters));
    }
}
