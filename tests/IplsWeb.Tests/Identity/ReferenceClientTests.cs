using IplsWeb.Fleet;
using MQTTnet;
using MQTTnet.Formatter;

namespace IplsWeb.Tests.Identity;

/// <summary>Clients written the reference's way, on the embedded broker.</summary>
public sealed class ReferenceClientTests
{
    [Fact]
    public async Task AnEmptyClientId_OnACleanSession_GetsAnId_AndItsStringPayloadsArrive_ThoughItNeverReadsTheConnAck()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0);
        using var socket = await RawMqtt.OpenAsync(host.MqttPort);

        // The reference generator: Paho, client id "", publish() without loop(): CONNECT and PUBLISHes back to back, nothing read.
        await socket.SendAsync(RawMqtt.Connect(string.Empty, cleanSession: true));
        for (int i = 0; i < 5; i++)
        {
            await socket.SendAsync(RawMqtt.Publish("vehicle/5", "{\"value\":[\"-4.39936127\",\"1.37920332\",\"0.09420760\",\"-0.05222571\"]}"));
        }

        await Eventually.TrueAsync(() => host.Fleet.Vehicle(5).LastSensor.AtUnixMs > 0, "the string payload reached the dashboard");
        Assert.Equal([-4.39936127f, 1.37920332f, 0.0942076f, -0.05222571f], host.Fleet.Vehicle(5).LastSensor.Values);
    }

    [Fact]
    public async Task AnEmptyClientId_WithoutACleanSession_IsRefusedAsIdentifierRejected_NotAsBadCredentials()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0);

        int code = await RawMqtt.ConnAckAsync(host.MqttPort, RawMqtt.Connect(string.Empty, cleanSession: false));

        Assert.Equal(2, code); // 3.1.1: identifier rejected
        var refusal = Assert.Single(host.Fleet.Events(), e => e.Kind == FleetEventKind.Rejected && e.Subject == "broker");
        Assert.Contains("empty client id", refusal.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("password", refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyClientId_OnMqtt5_IsAssignedOneInTheConnAck()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0);
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", host.MqttPort).WithClientId(string.Empty).WithProtocolVersion(MqttProtocolVersion.V500).Build());

        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        Assert.StartsWith("auto-", result.AssignedClientIdentifier, StringComparison.Ordinal);
    }
}
