using System.Text;
using System.Text.Json;
using IplsCore.Configuration;
using IplsAgent.Control;
using IplsAgent.Runtime;
using IplsWeb.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace IplsWeb.Tests;

public sealed class LargeConfigTests
{
    [Fact]
    public async Task AnAgentWithANearlyMaximalConfig_StillRegisters()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0);
        string state = Path.Combine(host.DataDirectory, "big-agent");
        var config = new Dictionary<string, object>
        {
            ["agentId"] = "big",
            ["mqttBrokerip"] = "127.0.0.1",
            ["mqttPort"] = host.MqttPort,
            ["fleetToken"] = host.Services.GetRequiredService<FleetSecret>().Token,
            ["dashboardUrl"] = host.Url.ToString(),
            ["stateDirectory"] = state,
            ["notes"] = new string('"', 1) + new string('x', 60_000), // an unknown key: a warning, not an error
        };
        var source = new AgentConfigSource();
        var load = source.Load(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(config)), "big");
        Assert.True(load.IsValid, string.Join("; ", load.Errors));
        Assert.True(load.Json.Length > 60_000);

        await using var agent = await AgentSupervisor.StartAsync(source, load, new AgentRuntimeOptions(), new ControlClientOptions { StatusInterval = TimeSpan.FromMilliseconds(300) });
        await Eventually.TrueAsync(() => host.Fleet.Agent("big") is { Connected: true, Status: not null }, "the agent registered with its large config");
        Assert.Equal(load.Hash, host.Fleet.Agent("big")!.Registration.ConfigHash);
    }
}
