using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace IplsCore.Tests.Transport;

/// <summary>A plain MQTT client in the test: publishes sensor data and commands, records what the agent publishes.</summary>
internal sealed class MqttProbe : IAsyncDisposable
{
    private readonly IMqttClient _client;

    private MqttProbe(IMqttClient client) => _client = client;

    public ConcurrentQueue<(string Topic, byte[] Payload, MqttQualityOfServiceLevel QoS)> Received { get; } = new();

    public static async Task<MqttProbe> ConnectAsync(int port, params string[] topics)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var probe = new MqttProbe(client);
        client.ApplicationMessageReceivedAsync += e =>
        {
            probe.Received.Enqueue((e.ApplicationMessage.Topic, System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), e.ApplicationMessage.QualityOfServiceLevel));
            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).Build());
        foreach (string topic in topics)
        {
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        return probe;
    }

    public Task PublishAsync(string topic, string payload) => PublishAsync(topic, Encoding.UTF8.GetBytes(payload));

    public async Task PublishAsync(string topic, byte[] payload) =>
        await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    public int Count(string topic) => Received.Count(m => m.Topic == topic);

    public List<(string Topic, byte[] Payload, MqttQualityOfServiceLevel QoS)> On(string topic) => [.. Received.Where(m => m.Topic == topic)];

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }
}
