using System.Text;
using IplsWeb.Broker;
using IplsWeb.Fleet;
using IplsWeb.Identity;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace IplsWeb.Tests.Identity;

/// <summary>Per-vehicle identities on the real embedded broker: a vehicle speaks only for itself; the operator switches generators.</summary>
public sealed class BrokerIdentityTests
{
    private static readonly string[] OffLoopback = ["--Dashboard:BindAddress=0.0.0.0", "--Dashboard:AdminPassword=correct-horse", "--Dashboard:BrokerPassword=broker-secret"];

    [Fact]
    public async Task AVehicle_MayPublishOnlyItsOwnTopics_AndSubscribeOnlyToItsGenerator()
    {
        await using var host = await DashboardHost.StartAsync(peers: 1, bootstrappers: 0, extra: OffLoopback);
        var credentials = host.Services.GetRequiredService<VehicleCredentials>();
        using var vehicle2 = await ConnectAsync(host.MqttPort, "vehicle-2", credentials.Password(2));

        var forged = await vehicle2.PublishAsync(Message("v1/anomaly", "{\"anomaly_score\":[0.99],\"timestamp\":1}"));
        for (int i = 0; i < 5; i++)
        {
            await vehicle2.PublishAsync(Message("vehicle/1/generator", "{\"mode\":\"anomaly\"}"));
        }

        var own = await vehicle2.PublishAsync(Message("v2/anomaly", "{\"anomaly_score\":[0.5],\"timestamp\":1}"));
        var everything = await vehicle2.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("#").Build());
        var generator = await vehicle2.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("vehicle/2/generator", MqttQualityOfServiceLevel.AtLeastOnce).Build());

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
        Assert.True(own.IsSuccess, own.ReasonCode.ToString());
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, Assert.Single(everything.Items).ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, Assert.Single(generator.Items).ResultCode);
        await Eventually.TrueAsync(() => host.Fleet.Vehicle(2).ScoresReceived == 1, "vehicle 2's own score is taken");
        await Eventually.TrueAsync(() => host.Fleet.Vehicle(1).ScoresReceived > 3, "the demo agent (vehicle-1's credential) publishes scores; events: " + string.Join(" | ", host.Fleet.Events().Select(e => e.Detail)));
        Assert.DoesNotContain(host.Fleet.Vehicle(1).Scores.Since(0), p => Math.Abs(p.Score - 0.99) < 1e-6);

        var authorization = host.Services.GetRequiredService<BrokerAuthorization>();
        Assert.Equal(6, authorization.RefusedPublishes);
        Assert.Equal(1, authorization.RefusedSubscriptions);
        var refusals = host.Fleet.Events().Where(e => e.Kind == FleetEventKind.Rejected && e.Detail.Contains("vehicle-2", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, refusals.Count); // one for the publishes (aggregated per minute), one for the subscription
    }

    [Fact]
    public async Task TheOperator_SwitchesGenerators_ButCannotSpeakForAVehicle()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0, extra: OffLoopback);
        using var operatorClient = await ConnectAsync(host.MqttPort, "ipls", "broker-secret");

        var command = await operatorClient.PublishAsync(Message("vehicle/1/generator", "{\"mode\":\"anomaly\"}"));
        var forged = await operatorClient.PublishAsync(Message("v1/anomaly", "{\"anomaly_score\":[0.99],\"timestamp\":1}"));
        var everything = await operatorClient.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("#").Build());

        Assert.NotEqual(MqttClientPublishReasonCode.NotAuthorized, command.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, Assert.Single(everything.Items).ResultCode);
        Assert.Equal(0, host.Fleet.Vehicle(1).ScoresReceived);
    }

    [Fact]
    public async Task CompatibilityMode_TheSharedCredentialMayDoEverything_AWrongVehicleCredentialNothing()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0, extra: [.. OffLoopback, "--Dashboard:Identity:Mode=Compatibility"]);
        using var shared = await ConnectAsync(host.MqttPort, "ipls", "broker-secret");

        var score = await shared.PublishAsync(Message("v1/anomaly", "{\"anomaly_score\":[0.25],\"timestamp\":1}"));
        string wrong = await RefusalAsync(host.MqttPort, "vehicle-1", "not-the-derived-password");

        Assert.NotEqual(MqttClientPublishReasonCode.NotAuthorized, score.ReasonCode);
        await Eventually.TrueAsync(() => host.Fleet.Vehicle(1).ScoresReceived == 1, "the shared credential's score is taken");
        Assert.Contains("BadUserNameOrPassword", wrong, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VehicleCredentials_DifferPerVehicleAndGeneration_AndARotatedOneStopsWorking()
    {
        var key = new string('k', 40);
        var first = new VehicleCredentials(key, new Dictionary<string, int>());
        var rotated = new VehicleCredentials(key, new Dictionary<string, int> { ["2"] = 1 });

        Assert.NotEqual(first.Password(1), first.Password(2));
        Assert.Equal(first.Password(1), rotated.Password(1));
        Assert.NotEqual(first.Password(2), rotated.Password(2));
        Assert.False(rotated.Matches(2, first.Password(2)));
        Assert.NotEqual(first.Password(1), new VehicleCredentials(new string('j', 40), new Dictionary<string, int>()).Password(1));
        Assert.True(VehicleCredentials.TryVehicle("vehicle-12", out int v) && v == 12);
        Assert.False(VehicleCredentials.TryVehicle("vehicle-012", out _));
        Assert.False(VehicleCredentials.TryVehicle("vehicle-1/", out _));

        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0, extra: [.. OffLoopback, $"--Dashboard:Identity:Key={key}", "--Dashboard:Identity:Generations:2=1"]);
        using var current = await ConnectAsync(host.MqttPort, "vehicle-2", rotated.Password(2));
        Assert.Contains("BadUserNameOrPassword", await RefusalAsync(host.MqttPort, "vehicle-2", first.Password(2)), StringComparison.Ordinal);
    }

    [Fact]
    public void TopicPermissions_FollowTheIdentity()
    {
        var v3 = BrokerIdentity.ForVehicle(3);
        Assert.True(TopicPermissions.MayPublish(v3, "vehicle/3"));
        Assert.True(TopicPermissions.MayPublish(v3, "v3/anomaly"));
        Assert.True(TopicPermissions.MayPublish(v3, "ipls/demo/rounds"));
        Assert.False(TopicPermissions.MayPublish(v3, "vehicle/30"));
        Assert.False(TopicPermissions.MayPublish(v3, "v33/anomaly"));
        Assert.False(TopicPermissions.MayPublish(v3, "vehicle/3/generator"));
        Assert.True(TopicPermissions.MaySubscribe(v3, "vehicle/3/generator"));
        Assert.False(TopicPermissions.MaySubscribe(v3, "vehicle/+/generator"));
        Assert.True(TopicPermissions.MaySubscribe(v3, "vehicle/3"));
        Assert.False(TopicPermissions.MaySubscribe(v3, "vehicle/1"));
        Assert.False(TopicPermissions.MaySubscribe(v3, "v1/anomaly"));
        Assert.True(TopicPermissions.MayPublish(BrokerIdentity.Operator, "vehicle/7/generator"));
        Assert.False(TopicPermissions.MayPublish(BrokerIdentity.Operator, "vehicle/generator"));
        Assert.False(TopicPermissions.MayPublish(BrokerIdentity.Operator, "vehicle/7"));
        Assert.True(TopicPermissions.MayPublish(BrokerIdentity.Shared, "v7/anomaly"));
    }

    internal static MqttApplicationMessage Message(string topic, string payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(payload)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    internal static async Task<IMqttClient> ConnectAsync(int port, string user, string password)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCredentials(user, password).Build());
        return client;
    }

    internal static async Task<string> RefusalAsync(int port, string user, string password)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            return (await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithCredentials(user, password).Build())).ResultCode.ToString();
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException ex)
        {
            return ex.Message;
        }
    }
}
