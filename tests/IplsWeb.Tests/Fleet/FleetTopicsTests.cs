using System.Text;
using System.Text.Json;
using IplsCore.Configuration;
using IplsAgent.Control;
using IplsAgent.Runtime;
using IplsWeb.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace IplsWeb.Tests.Fleet;

public sealed class FleetTopicsTests
{
    [Fact]
    public async Task AVehicleWithCustomTopics_StillReachesTheDashboard()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0);
        var config = new Dictionary<string, object>
        {
            ["agentId"] = "custom-topics",
            ["vehicle"] = 42,
            ["mqttBrokerip"] = "127.0.0.1",
            ["mqttPort"] = host.MqttPort,
            ["mqttSubTopic"] = "plant/line-3/sensors",
            ["mqttPubTopic"] = "plant/line-3/score",
            ["fleetToken"] = host.Services.GetRequiredService<FleetSecret>().Token,
            ["dashboardUrl"] = host.Url.ToString(),
            ["stateDirectory"] = Path.Combine(host.DataDirectory, "custom-topics"),
            ["generator"] = new Dictionary<string, object> { ["enabled"] = true, ["rateHz"] = 20 },
        };
        var source = new AgentConfigSource();
        var load = source.Load(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(config)), "custom topics");
        Assert.True(load.IsValid, string.Join("; ", load.Errors));

        await using var agent = await AgentSupervisor.StartAsync(source, load, new AgentRuntimeOptions(), new ControlClientOptions { StatusInterval = TimeSpan.FromMilliseconds(300) });
        await Eventually.TrueAsync(() => host.Fleet.Vehicle(42).ScoresReceived > 10, "scores on the custom topic reach the dashboard");
        await Eventually.TrueAsync(() => host.Fleet.Vehicle(42).LastSensor.AtUnixMs > 0, "sensor data on the custom topic reach the dashboard");
        Assert.Equal("plant/line-3/score", host.Fleet.Agent("custom-topics")!.Registration.Topics!.Score);
        Assert.DoesNotContain(host.Fleet.Events(), e => e.Kind == IplsWeb.Fleet.FleetEventKind.Rejected);
    }
}
