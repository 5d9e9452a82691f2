using IplsCore.Control;
using IplsCore.Ipls;
using IplsCore.Tests.Transport;

namespace IplsAgent.Tests.Control;

/// <summary>Every control command over a real SignalR hub in a Kestrel test host, with a real broker.</summary>
public sealed class AgentControlTests : BrokerTestBase
{
    private TestDashboard? _dashboard;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _dashboard = await TestDashboard.StartAsync(TestAgents.FleetToken);
    }

    public override async Task DisposeAsync()
    {
        await _dashboard!.DisposeAsync();
        await base.DisposeAsync();
    }

    private Dictionary<string, object> Config(params (string Key, object Value)[] extra)
    {
        var config = new Dictionary<string, object> { ["agentId"] = "car-7", ["vehicle"] = 7, ["dashboardUrl"] = _dashboard!.Url.ToString() };
        foreach (var (key, value) in extra)
        {
            config[key] = value;
        }

        return config;
    }

    [Fact]
    public async Task Agent_RegistersAndReportsStatusAndLogs()
    {
        await using var agent = await TestAgents.StartAsync(Port, Dir.File("state"), Config());
        var recorder = _dashboard!.Recorder;
        await Eventually.TrueAsync(() => recorder.LastStatus("car-7") is { Synchronized: true }, "a synchronized status arrives");

        var registration = Assert.Single(recorder.Registrations);
        Assert.Equal(("car-7", 7, PeerRole.Peer), (registration.AgentId, registration.Vehicle, registration.Role));
        Assert.False(string.IsNullOrEmpty(registration.Version));
        Assert.Equal(System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(), registration.Architecture);
        Assert.Matches("^[0-9a-f]{16}$", registration.ConfigHash);
        Assert.Contains("car-7", registration.ConfigJson, StringComparison.Ordinal);

        var status = recorder.LastStatus("car-7")!;
        Assert.Equal(AgentRunState.Running, status.State);
        Assert.Equal(8, status.Partitions.Count);
        Assert.True(status.MemoryMb > 0);
        Assert.Contains(recorder.Logs, l => l.Message.Contains("started as Peer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WrongFleetToken_IsRefusedByTheHub_AndTheAgentKeepsWorking()
    {
        await using var other = await TestDashboard.StartAsync("a-different-fleet-token-000");
        await using var agent = await TestAgents.StartAsync(Port, Dir.File("state"), new Dictionary<string, object> { ["dashboardUrl"] = other.Url.ToString() });
        await Eventually.TrueAsync(() => other.Recorder.RefusedConnections >= 1, "the hub refuses the agent");
        Assert.Empty(other.Recorder.Registrations);

        await using var probe = await MqttProbe.ConnectAsync(Port, "v1/anomaly");
        await Eventually.TrueAsync(() => Send(probe, 1) && probe.Count("v1/anomaly") > 0, "the agent scores without its dashboard");
    }

    [Fact]
    public async Task StopAndStart_StopConsumingButStayAMember()
    {
        await using var agent = await TestAgents.StartAsync(Port, Dir.File("state"), Config());
        await using var probe = await MqttProbe.ConnectAsync(Port, "v7/anomaly");
        await Eventually.TrueAsync(() => _dashboard!.Recorder.Connections.ContainsKey("car-7"), "registered");
        await Eventually.TrueAsync(() => Send(probe, 7) && probe.Count("v7/anomaly") > 0, "scoring");

        var stopped = await _dashboard!.Agent("car-7").StopAgent();
        Assert.True(stopped.Accepted, stopped.Message);
        await Task.Delay(300);
        int before = probe.Count("v7/anomaly");
        for (int i = 0; i < 5; i++)
        {
            Send(probe, 7);
        }

        await Task.Delay(1000);
        Assert.Equal(before, probe.Count("v7/anomaly"));
        await Eventually.TrueAsync(() => _dashboard.Recorder.LastStatus("car-7") is { State: AgentRunState.Stopped }, "status says stopped");
        await Eventually.TrueAsync(() => agent.Runtime.Runner.FleetModel.Synchronized, "still an IPLS member");

        var started = await _dashboard.Agent("car-7").StartAgent();
        Assert.True(started.Accepted, started.Message);
        await Eventually.TrueAsync(() => Send(probe, 7) && probe.Count("v7/anomaly") > before, "scoring again");
    }

    [Fact]
    public async Task SetThresholdAndGeneratorMode_TakeEffectAndBadValuesAreRefused()
    {
        await using var agent = await TestAgents.StartAsync(Port, Dir.File("state"), Config(("generator", new Dictionary<string, object> { ["enabled"] = true, ["rateHz"] = 10 })));
        await Eventually.TrueAsync(() => _dashboard!.Recorder.Connections.ContainsKey("car-7"), "registered");
        var client = _dashboard!.Agent("car-7");

        Assert.True((await client.SetThreshold(0.2)).Accepted);
        Assert.Equal(0.2, agent.Runtime.Controls.Threshold);
        // (NaN cannot even cross SignalR's JSON protocol; out-of-range values can.)
        var refused = await client.SetThreshold(-1);
        Assert.False(refused.Accepted);
        Assert.Contains("threshold -1", refused.Message, StringComparison.Ordinal);
        Assert.False((await client.SetThreshold(1e9)).Accepted);
        Assert.Equal(0.2, agent.Runtime.Controls.Threshold);

        Assert.True((await client.SetGeneratorMode("anomaly")).Accepted);
        Assert.Equal("anomaly", (await agent.Runtime.StatusAsync(CancellationToken.None)).GeneratorMode);
        Assert.False((await client.SetGeneratorMode("rm -rf /")).Accepted);
        Assert.Equal("anomaly", (await agent.Runtime.StatusAsync(CancellationToken.None)).GeneratorMode);
        await Eventually.TrueAsync(() => _dashboard.Recorder.LastStatus("car-7") is { GeneratorMode: "anomaly", Threshold: 0.2 }, "status shows both");
    }

    [Fact]
    public async Task ApplyConfig_ABadConfigChangesNothing_AGoodOneRestartsWithItAndPersists()
    {
        await using var agent = await TestAgents.StartAsync(Port, Dir.File("state"), Config());
        await Eventually.TrueAsync(() => _dashboard!.Recorder.Connections.ContainsKey("car-7"), "registered");
        var client = _dashboard!.Agent("car-7");
        long incarnation = agent.Runtime.Identity.Incarnation;

        var bad = await client.ApplyConfig("{\"epochs\":\"lots\",\"mqttPort\":\"99999\",\"fleetToken\":\"x\"}");
        Assert.False(bad.Accepted);
        Assert.Contains(bad.Issues, i => i.Key == "epochs");
        Assert.Contains(bad.Issues, i => i.Key == "mqttPort" && i.Value == "99999");
        Assert.Contains(bad.Issues, i => i.Key == "fleetToken");
        Assert.Equal(incarnation, agent.Runtime.Identity.Incarnation);

        var notJson = await client.ApplyConfig("{ this is not json");
        Assert.False(notJson.Accepted);
        Assert.Contains("not valid JSON", Assert.Single(notJson.Issues).Message, StringComparison.Ordinal);

        var missingModel = TestAgents.ConfigJson(Port, Dir.File("state"), Config(("modelPath", Dir.File("nope.iplsm"))));
        var refusedModel = await client.ApplyConfig(missingModel);
        Assert.False(refusedModel.Accepted);
        Assert.Contains("nope.iplsm", refusedModel.Message, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => agent.Runtime.Runner.FleetModel.Synchronized, "the previous config runs again");

        string good = TestAgents.ConfigJson(Port, Dir.File("state"), Config(("threshold", "0.5"), ("epochs", "2"), ("someTypo", 1)));
        var applied = await client.ApplyConfig(good);
        Assert.True(applied.Accepted, applied.Message);
        Assert.Contains(applied.Issues, i => i.Key == "someTypo");
        Assert.Equal(0.5, agent.Settings.Threshold);
        Assert.Equal(2, agent.Settings.Cadence.Epochs);
        Assert.True(agent.Runtime.Identity.Incarnation > incarnation);
        Assert.True(File.Exists(Path.Combine(Dir.File("state"), "applied-config.json")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Dir.File("state"), "applied-config.json"))); // it holds the fleet token
        }

        // A config without secrets (as the reference adConfig.json) keeps the agent's own fleet token.
        var withoutToken = System.Text.Json.Nodes.JsonNode.Parse(good)!.AsObject();
        Assert.True(withoutToken.Remove("fleetToken"));
        var kept = await client.ApplyConfig(withoutToken.ToJsonString());
        Assert.True(kept.Accepted, kept.Message);
        Assert.Equal(TestAgents.FleetToken, agent.Settings.FleetToken);
    }

    [Fact]
    public async Task Restart_KeepsTheIdentityWithANewIncarnation_AndReRegisters()
    {
        await using var agent = await TestAgents.StartAsync(Port, Dir.File("state"), Config());
        await Eventually.TrueAsync(() => _dashboard!.Recorder.LastStatus("car-7") is { Synchronized: true }, "synchronized");
        long incarnation = agent.Runtime.Identity.Incarnation;

        var result = await _dashboard!.Agent("car-7").RestartAgent();

        Assert.True(result.Accepted, result.Message);
        Assert.Equal("car-7", agent.Runtime.Identity.Id);
        Assert.True(agent.Runtime.Identity.Incarnation > incarnation);
        await Eventually.TrueAsync(() => agent.Runtime.Runner.FleetModel.Synchronized, "synchronized again");
    }

    [Fact]
    public async Task DashboardRestart_TheAgentReconnectsAndRegistersAgain()
    {
        int port = _dashboard!.Url.Port;
        await using var agent = await TestAgents.StartAsync(Port, Dir.File("state"), Config());
        await Eventually.TrueAsync(() => _dashboard.Recorder.Connections.ContainsKey("car-7"), "registered");
        await _dashboard.DisposeAsync();

        _dashboard = await TestDashboard.StartAsync(TestAgents.FleetToken, port);
        await Eventually.TrueAsync(() => _dashboard.Recorder.LastStatus("car-7") is not null, "registered and reporting to the new dashboard");
        Assert.True((await _dashboard.Agent("car-7").SetThreshold(0.3)).Accepted);
    }

    private static bool Send(MqttProbe probe, int vehicle)
    {
        _ = probe.PublishAsync($"vehicle/{vehicle}", "{\"value\":[0.1,0.2,0.3,0.4]}");
        return true;
    }
}
