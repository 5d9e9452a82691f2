using System.Text;
using System.Text.Json;
using IplsCore.Configuration;
using IplsAgent.Control;
using IplsAgent.Runtime;

namespace IplsAgent.Tests.Fixtures;

/// <summary>Starts real agents (real MQTT, real files) with a config built from key/value pairs.</summary>
internal static class TestAgents
{
    public const string FleetToken = "agent-tests-fleet-token-0123";

    public static string ConfigJson(int port, string stateDirectory, IReadOnlyDictionary<string, object>? extra = null)
    {
        var config = new Dictionary<string, object>
        {
            ["mqttBrokerip"] = "127.0.0.1",
            ["mqttPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["fleetToken"] = FleetToken,
            ["stateDirectory"] = stateDirectory,
            ["fleetId"] = "agent-tests",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, object>())
        {
            config[key] = value;
        }

        return JsonSerializer.Serialize(config);
    }

    public static Task<AgentSupervisor> StartAsync(int port, string stateDirectory, IReadOnlyDictionary<string, object>? extra = null, ControlClientOptions? control = null)
    {
        var source = new AgentConfigSource();
        var load = source.Load(Encoding.UTF8.GetBytes(ConfigJson(port, stateDirectory, extra)), "test config");
        Assert.True(load.IsValid, string.Join("; ", load.Errors));
        return AgentSupervisor.StartAsync(
            source,
            load,
            new AgentRuntimeOptions { Tick = TimeSpan.FromMilliseconds(100) },
            control ?? new ControlClientOptions { StatusInterval = TimeSpan.FromMilliseconds(300), ReconnectMinDelay = TimeSpan.FromMilliseconds(100), ReconnectMaxDelay = TimeSpan.FromSeconds(1) });
    }
}
