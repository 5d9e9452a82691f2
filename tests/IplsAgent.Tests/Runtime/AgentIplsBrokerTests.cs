using IplsCore.Tests.Transport;

namespace IplsAgent.Tests.Runtime;

/// <summary>With <c>transport: mqtt</c>, IPLS on a broker of its own: the data path never needs it.</summary>
public sealed class AgentIplsBrokerTests : BrokerTestBase
{
    [Fact]
    public async Task Ipls_UsesItsOwnBroker_AndScoringGoesOnWhileThatBrokerIsAway()
    {
        var (ipls, iplsPort) = await Brokers.StartMqttNetAsync();
        var config = new Dictionary<string, object> { ["vehicle"] = 2, ["iplsBrokerip"] = "127.0.0.1", ["iplsBrokerport"] = iplsPort };
        await using var agent = await TestAgents.StartAsync(Port, Dir.File("state"), config);
        await using var onData = await MqttProbe.ConnectAsync(Port, "ipls/#", "v2/anomaly");
        await using (var onIpls = await MqttProbe.ConnectAsync(iplsPort, "ipls/#"))
        {
            await Eventually.TrueAsync(() => onIpls.Received.Any(m => m.Topic.StartsWith("ipls/", StringComparison.Ordinal)), "IPLS traffic on the IPLS broker");
        }

        Assert.DoesNotContain(onData.Received, m => m.Topic.StartsWith("ipls/", StringComparison.Ordinal));

        await ipls.StopAsync(new MQTTnet.Server.MqttServerStopOptions());
        ipls.Dispose();
        int before = onData.Count("v2/anomaly");
        await Eventually.TrueAsync(() => Send(onData, 2) && onData.Count("v2/anomaly") > before + 5, "scoring goes on without the IPLS broker");
        Assert.DoesNotContain(onData.Received, m => m.Topic.StartsWith("ipls/", StringComparison.Ordinal));
    }

    private static bool Send(MqttProbe probe, int vehicle)
    {
        _ = probe.PublishAsync($"vehicle/{vehicle}", "{\"value\":[0.1,0.2,0.3,0.4]}");
        return true;
    }
}
