using System.Text;
using IplsCore.Control;
using IplsCore.Ipls;
using IplsWeb.Fleet;
using IplsWeb.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;

namespace IplsWeb.Tests;

/// <summary>The dashboard host end to end: embedded broker, hub, demo fleet, commands.</summary>
public sealed class DashboardFleetTests
{
    [Fact]
    public async Task DemoFleet_RegistersOverTheHub_AndItsScoresReachTheFleetStateThroughTheEmbeddedBroker()
    {
        await using var host = await DashboardHost.StartAsync(peers: 2, bootstrappers: 1);
        var fleet = host.Fleet;

        await Eventually.TrueAsync(() => fleet.Agents.Count == 3 && fleet.Agents.All(a => a.Connected && a.Status is not null), "three agents registered and reporting");
        await Eventually.TrueAsync(() => fleet.Vehicle(1).ScoresReceived > 20 && fleet.Vehicle(2).ScoresReceived > 20, "scores of both vehicles arrive");

        Assert.Equal([PeerRole.Peer, PeerRole.Peer, PeerRole.Bootstrapper], fleet.Agents.Select(a => a.Registration.Role).Order());
        Assert.Equal(4, fleet.Vehicle(1).LastSensor.Values.Length);
        Assert.All(fleet.Vehicle(1).Scores.Since(0), p => Assert.True(float.IsFinite(p.Score)));
        Assert.Contains(fleet.Events(), e => e.Kind == FleetEventKind.Joined && e.Subject == "vehicle-1");
        await Eventually.TrueAsync(() => fleet.Agent("vehicle-1")!.Logs().Length > 0, "agent log lines arrive");
    }

    [Fact]
    public async Task Commands_ReachTheAgent_AndTheirAnswersAreEvents()
    {
        await using var host = await DashboardHost.StartAsync(peers: 1, bootstrappers: 0);
        var fleet = host.Fleet;
        var commands = host.Services.GetRequiredService<AgentCommands>();
        await Eventually.TrueAsync(() => fleet.Agent("vehicle-1") is { Connected: true }, "the agent registered");
        await Eventually.TrueAsync(() => fleet.Vehicle(1).ScoresReceived > 40, "normal scores");
        double normal = fleet.Vehicle(1).Scores.Since(0).Average(p => p.Score);

        var result = await commands.SetGeneratorModeAsync("vehicle-1", "anomaly");
        Assert.True(result.Accepted, result.Message);
        long mark = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 300;
        await Eventually.TrueAsync(() => fleet.Vehicle(1).Scores.Since(mark).Length > 20, "anomaly scores");
        double anomaly = fleet.Vehicle(1).Scores.Since(mark).Average(p => p.Score);
        Assert.True(anomaly > 0.08 && normal < 0.08, $"normal {normal}, anomaly {anomaly}");
        await Eventually.TrueAsync(() => fleet.Events().Any(e => e.Kind == FleetEventKind.ModeSwitched && e.Subject == "vehicle-1"), "the mode switch is an event");
        await Eventually.TrueAsync(() => fleet.Events().Any(e => e.Kind == FleetEventKind.AlertFiring && e.Subject == "vehicle 1"), "the anomaly is an alert");

        var refused = await commands.ApplyConfigAsync("vehicle-1", "{\"epochs\":\"zero\"}");
        Assert.False(refused.Accepted);
        Assert.Contains(refused.Issues, i => i.Key == "epochs");
        Assert.Contains(fleet.Events(), e => e.Kind == FleetEventKind.Command && e.Detail.StartsWith("apply config: refused", StringComparison.Ordinal));

        var offline = await commands.StopAsync("nobody");
        Assert.False(offline.Accepted);
    }

    [Fact]
    public async Task AnAppliedConfig_IsWhatTheDashboardShowsAfterwards_WithAConfigChangedEvent()
    {
        await using var host = await DashboardHost.StartAsync(peers: 1, bootstrappers: 0);
        var fleet = host.Fleet;
        var commands = host.Services.GetRequiredService<AgentCommands>();
        await Eventually.TrueAsync(() => fleet.Agent("vehicle-1") is { Connected: true, Status: not null }, "the agent registered");
        var before = fleet.Agent("vehicle-1")!.Registration;
        var config = System.Text.Json.Nodes.JsonNode.Parse(before.ConfigJson)!.AsObject();
        config["epochs"] = "5";

        var result = await commands.ApplyConfigAsync("vehicle-1", config.ToJsonString());

        Assert.True(result.Accepted, result.Message);
        await Eventually.TrueAsync(() => fleet.Agent("vehicle-1")!.Registration.ConfigHash != before.ConfigHash, "the table shows the applied config's hash", seconds: 20);
        var after = fleet.Agent("vehicle-1")!.Registration;
        Assert.Contains(after.ConfigHash, result.Message, StringComparison.Ordinal);
        Assert.Matches("\"epochs\": \"?5\"?", IplsWeb.Components.Pages.Agents.ForEditor(after.ConfigJson));
        Assert.Contains(fleet.Events(), e => e.Kind == FleetEventKind.ConfigChanged && e.Subject == "vehicle-1" && e.Detail.Contains(after.ConfigHash, StringComparison.Ordinal));
        Assert.Single(fleet.Events(), e => e.Kind == FleetEventKind.Joined && e.Subject == "vehicle-1");
    }

    [Fact]
    public async Task Hub_RefusesAConnectionWithoutTheFleetToken_AndSaysSo()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0, fleetToken: "dashboard-tests-token-0123");
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(host.Url, AgentHubRoutes.Path), o => o.AccessTokenProvider = () => Task.FromResult<string?>(HubToken.Derive("some-other-fleet-token")))
            .Build();
        var closed = new TaskCompletionSource();
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        await connection.StartAsync();
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(host.Fleet.Events(), e => e.Kind == FleetEventKind.Rejected && e.Subject == "hub");
        Assert.Equal("dashboard-tests-token-0123", host.Services.GetRequiredService<FleetSecret>().Token);
    }

    [Fact]
    public async Task Broker_TakesTcpClients_AndAMalformedScoreIsReportedNotIngested()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0);
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", host.MqttPort).Build());

        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("v5/anomaly").WithPayload(Encoding.UTF8.GetBytes("{\"anomaly_score\":[0.25],\"timestamp\":1764000000}")).Build());
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("v6/anomaly").WithPayload(Encoding.UTF8.GetBytes("garbage")).Build());

        await Eventually.TrueAsync(() => host.Fleet.Vehicle(5).ScoresReceived == 1, "the valid score is ingested");
        await Eventually.TrueAsync(() => host.Fleet.Events().Any(e => e.Kind == FleetEventKind.Rejected && e.Subject == "v6/anomaly"), "the bad one is reported");
        Assert.Equal(0, host.Fleet.Vehicle(6).ScoresReceived);
        Assert.Equal(0.25f, host.Fleet.Vehicle(5).Scores.Since(0)[0].Score);
    }
}
