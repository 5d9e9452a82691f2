using IplsCore.Messages;
using IplsCore.Tests.Transport;
using MQTTnet.Protocol;

namespace IplsAgent.Tests.Runtime;

/// <summary>The agent's data path against a real broker (MQTTnet's server in-process).</summary>
public sealed class AgentDataPathTests : BrokerTestBase
{
    [Fact]
    public async Task EveryValidSample_GetsOneScoreInTheReferenceFormat_AndBadPayloadsAreCountedByKind()
    {
        await using var agent = await TestAgents.StartAsync(Port, Dir.File("state"), new Dictionary<string, object> { ["vehicle"] = 3 });
        await using var probe = await MqttProbe.ConnectAsync(Port, "v3/anomaly");
        await Eventually.TrueAsync(() => TrySend(probe, "vehicle/3") && agent.Runtime.Counters.SamplesScored > 0, "the agent is subscribed");

        string[] valid = ["{\"value\":[0.1,0.2,0.3,0.4]}", "{\"value\":[\"0.1\",\"0.2\",\"0.3\",\"0.4\"]}", "{\"value\":[1,-2,3e-1,4]}"];
        string[] invalid =
        [
            "not json",
            "{\"value\":[1,2,3]}",
            "{\"value\":[1,2,\"x\",4]}",
            "{\"value\":[1,2,\"NaN\",4]}",
            "{\"value\":[1,2,1e300,4]}",
            "{\"nothing\":1}",
            "{\"value\":[" + string.Join(',', Enumerable.Repeat("1", 5000)) + "]}",
        ];
        long before = agent.Runtime.Counters.SamplesScored;
        foreach (string payload in invalid.Concat(valid))
        {
            await probe.PublishAsync("vehicle/3", payload);
        }

        await Eventually.TrueAsync(() => agent.Runtime.Counters.SamplesScored >= before + valid.Length, "the valid samples are scored");
        await Eventually.TrueAsync(() => probe.Count("v3/anomaly") >= agent.Runtime.Counters.SamplesScored, "every score is published");

        var scores = probe.On("v3/anomaly");
        Assert.All(scores, m =>
        {
            Assert.True(ScorePayload.TryRead(m.Payload, out float score, out long timestamp), System.Text.Encoding.UTF8.GetString(m.Payload));
            Assert.True(float.IsFinite(score) && score >= 0);
            Assert.InRange(timestamp, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
            Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, m.QoS);
        });

        var counters = agent.Runtime.Counters;
        Assert.Equal(1, counters.RejectedCount(PayloadRejection.NotJson));
        Assert.Equal(1, counters.RejectedCount(PayloadRejection.WrongLength));
        Assert.Equal(1, counters.RejectedCount(PayloadRejection.NotNumeric));
        Assert.Equal(2, counters.RejectedCount(PayloadRejection.OutOfRange));
        Assert.Equal(1, counters.RejectedCount(PayloadRejection.MissingField));
        Assert.Equal(1, counters.RejectedCount(PayloadRejection.Oversized));

        var status = await agent.Runtime.StatusAsync(CancellationToken.None);
        Assert.Equal(1, status.Rejected["payload:NotJson"]);
        Assert.Equal(2, status.Rejected["payload:OutOfRange"]);
        Assert.Equal(3, status.Vehicle);
        Assert.NotNull(status.LastScore);
    }

    [Fact]
    public async Task Generator_PublishesAtItsRate_AndSwitchesToAnomalyOnTheReferenceTopic()
    {
        await using var agent = await TestAgents.StartAsync(Port, Dir.File("state"), new Dictionary<string, object>
        {
            ["generator"] = new Dictionary<string, object> { ["enabled"] = true, ["rateHz"] = 20 },
        });
        await using var probe = await MqttProbe.ConnectAsync(Port, "v1/anomaly", "vehicle/1");
        await Eventually.TrueAsync(() => probe.Count("v1/anomaly") >= 20, "normal data is scored");
        var normal = probe.On("v1/anomaly").Select(Score).ToList();
        Assert.True(normal.Average() < 0.08, $"normal mean {normal.Average()}");

        await probe.PublishAsync("vehicle/1/generator", "{\"mode\":\"anomaly\"}");
        await Eventually.TrueAsync(async () => (await agent.Runtime.StatusAsync(CancellationToken.None)).GeneratorMode == "anomaly", "the generator switched");
        int mark = probe.Count("v1/anomaly");
        await Eventually.TrueAsync(() => probe.Count("v1/anomaly") >= mark + 20, "anomaly data is scored");
        var anomaly = probe.On("v1/anomaly").Skip(mark + 2).Select(Score).ToList();
        Assert.True(anomaly.Average() > 0.08, $"anomaly mean {anomaly.Average()}");
        Assert.True(probe.Count("vehicle/1") >= 40, "the generator's samples are on the sensor topic");

        await probe.PublishAsync("vehicle/1/generator", "{\"mode\":\"sideways\"}");
        await Eventually.TrueAsync(() => agent.Runtime.Counters.GeneratorCommandsRejected == 1, "a bad mode is rejected");
        Assert.Equal("anomaly", (await agent.Runtime.StatusAsync(CancellationToken.None)).GeneratorMode);
    }

    [Fact]
    public async Task BrokerRestart_TheAgentReconnectsResubscribesAndScoresAgain()
    {
        await using var agent = await TestAgents.StartAsync(Port, Dir.File("state"));
        await using (var probe = await MqttProbe.ConnectAsync(Port, "v1/anomaly"))
        {
            await Eventually.TrueAsync(() => TrySend(probe, "vehicle/1") && probe.Count("v1/anomaly") > 0, "scores before the restart");
        }

        await RestartBrokerAsync();

        await using var after = await MqttProbe.ConnectAsync(Port, "v1/anomaly");
        await Eventually.TrueAsync(() => TrySend(after, "vehicle/1") && after.Count("v1/anomaly") > 0, "scores after the restart");
    }

    private static float Score((string Topic, byte[] Payload, MqttQualityOfServiceLevel QoS) message)
    {
        Assert.True(ScorePayload.TryRead(message.Payload, out float score, out _));
        return score;
    }

    /// <summary>Publishes one valid sample (fire and forget); returns true so it can sit in a wait condition.</summary>
    private static bool TrySend(MqttProbe probe, string topic)
    {
        _ = probe.PublishAsync(topic, "{\"value\":[0.1,0.2,0.3,0.4]}");
        return true;
    }
}
