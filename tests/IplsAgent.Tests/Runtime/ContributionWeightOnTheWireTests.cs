using System.Buffers;
using System.Collections.Concurrent;
using IplsAgent.Runtime;
using IplsCore.Ipls.Wire;
using IplsCore.Training;
using IplsCore.Transport.Mqtt;

namespace IplsAgent.Tests.Runtime;

/// <summary>
/// What a vehicle's rounds weigh in the fleet model, read off the wire: raised for data the fleet model
/// does not know, relative to the threshold the operator set last (docs/learning.md, noveltyScale).
/// </summary>
public sealed class ContributionWeightOnTheWireTests : BrokerTestBase
{
    // The agents train at the reference cadence: after 5 warm-up rounds of 2 samples a round covers 33
    // samples, so a delta that weighs more was raised for novelty.
    private static readonly TrainingCadence Cadence = new();
    private static readonly int WarmUpRounds = Cadence.WarmUpRounds;
    private static readonly int RoundSamples = Cadence.SamplesInRound(Cadence.WarmUpRounds + 1);

    // The agent's IPLS topics are under the MQTT transport's prefix; the signature covers the topic without it.
    private static readonly string IplsTopicPrefix = new MqttTransportOptions().TopicPrefix;

    private readonly ConcurrentQueue<(string Sender, DeltaBody Delta)> _deltas = new();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var codec = MessageCodec.FromToken(TestAgents.FleetToken);
        Broker!.InterceptingPublishAsync += e =>
        {
            string topic = e.ApplicationMessage.Topic;
            if (topic.StartsWith(IplsTopicPrefix, StringComparison.Ordinal)
                && codec.TryDecode(topic[IplsTopicPrefix.Length..], e.ApplicationMessage.Payload.ToArray(), out var message, out _, out _)
                && message is { Body: DeltaBody delta })
            {
                _deltas.Enqueue((message.Header.Sender, delta));
            }

            return Task.CompletedTask;
        };
    }

    private Task<AgentSupervisor> Peer(int vehicle, string mode) => TestAgents.StartAsync(Port, Dir.File($"state-{vehicle}"), new Dictionary<string, object>
    {
        ["agentId"] = $"car-{vehicle}",
        ["vehicle"] = vehicle,
        ["generator"] = new Dictionary<string, object> { ["enabled"] = true, ["mode"] = mode, ["rateHz"] = 40 },
    });

    [Fact]
    public async Task AnomalousRounds_WeighMore_UntilTheOperatorRaisesTheThreshold()
    {
        await using var car1 = await Peer(1, "anomaly");
        await using var car2 = await Peer(2, "normal");
        string car1Peer = car1.Runtime.Runner.Id;
        IEnumerable<DeltaBody> DeltasOfCar1() => _deltas.Where(d => d.Sender == car1Peer).Select(d => d.Delta);

        // At the default threshold (0.08, so a novelty scale of 0.04) the fleet model scores vehicle 1's
        // anomaly data far above the scale: its first full rounds weigh more than their samples.
        await Eventually.TrueAsync(
            () => DeltasOfCar1().Where(d => d.Round > WarmUpRounds).Select(d => d.Round).Distinct().Count() >= 2,
            "two full rounds of vehicle 1 on the wire",
            seconds: 60);
        Assert.All(DeltasOfCar1().Where(d => d.Round > WarmUpRounds && d.Round <= WarmUpRounds + 2), d => Assert.True(d.Samples > RoundSamples, $"round {d.Round} weighs {d.Samples}"));

        // A threshold of 50 puts the scale at 25: nothing this model scores is novel any more.
        await car1.Runtime.SetThresholdAsync(50, CancellationToken.None);
        int roundAtChange = DeltasOfCar1().Max(d => d.Round) + 1; // the round under way may have been weighed before the change
        await Eventually.TrueAsync(
            () => DeltasOfCar1().Select(d => d.Round).Distinct().Count(r => r > roundAtChange) >= 2,
            "two more rounds of vehicle 1 on the wire",
            seconds: 60);

        var after = DeltasOfCar1().Where(d => d.Round > roundAtChange).ToList();
        Assert.All(after, d => Assert.Equal(RoundSamples, d.Samples));
    }
}
