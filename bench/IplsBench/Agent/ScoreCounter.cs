using System.Buffers;
using IplsCore.Messages;
using MQTTnet;

namespace IplsBench.Agent;

/// <summary>Subscribes to the score topic and counts the messages that parse as scores.</summary>
internal sealed class ScoreCounter : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private long _valid;

    public long Valid => Interlocked.Read(ref _valid);

    public async Task StartAsync(string host, int port, string topic, CancellationToken cancellationToken)
    {
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var payload = e.ApplicationMessage.Payload;
            ReadOnlySpan<byte> utf8 = payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray();
            if (ScorePayload.TryRead(utf8, out _, out _))
            {
                Interlocked.Increment(ref _valid);
            }

            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId("ipls-bench-scores").Build();
        await _client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic).Build(), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
        }

        _client.Dispose();
    }
}
