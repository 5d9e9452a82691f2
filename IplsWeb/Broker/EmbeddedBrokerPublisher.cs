using IplsCore.Control;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace IplsWeb.Broker;

/// <summary>Publishes into the embedded broker as the dashboard itself (an injected message: no session, trusted).</summary>
public sealed class EmbeddedBrokerPublisher(MqttServer server) : IBrokerPublisher
{
    public const string SenderClientId = "ipls-dashboard";

    public async Task<CommandResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload.ToArray())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        await server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = SenderClientId }, cancellationToken).ConfigureAwait(false);
        return CommandResult.Ok($"published to {topic}");
    }
}
