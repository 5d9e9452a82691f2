using System.Collections.Concurrent;
using IplsWeb.Broker;
using IplsWeb.Fleet;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;

namespace IplsWeb.Tests.Broker;

/// <summary>The embedded broker under more than one subscriber can take: bursts lose nothing, a stuck client is capped.</summary>
public sealed class BrokerFlowControlTests
{
    [Fact]
    public async Task ABurstBeyondTheQueueLimit_IsDeliveredWithoutLoss()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0, extra:
        [
            "--Dashboard:Broker:MaxPendingPerClient=1000", "--Dashboard:Broker:HoldPublishersAbove=100", "--Dashboard:Broker:ResumeBelow=20",
            // On a loaded machine the subscriber (in this process) can be starved for seconds: long enough
            // for the default 1 s hold and 5 s stall to give up on it. This test is about the hold, not those limits.
            "--Dashboard:Broker:MaxHold=00:00:30", "--Dashboard:Broker:StallAfter=00:01:00",
        ]);
        var received = new ConcurrentDictionary<string, byte>();
        using var subscriber = await SubscribeAsync(host.MqttPort, "healthy", "burst/#", received);

        // 8 × 40 in flight stays well under the queue limit, so only a late reaction could lose anything.
        const int Publishers = 8, Each = 2_500;
        await Task.WhenAll(Enumerable.Range(0, Publishers).Select(p => PublishAsync(host.MqttPort, $"burst/{p}", Each, payloadBytes: 100, window: 40)));

        await Eventually.TrueAsync(() => received.Count == Publishers * Each, "every message of the burst arrived", seconds: 180);
        Assert.Equal(0, host.Services.GetRequiredService<DeliveryFlowControl>().Status.Dropped);
    }

    [Fact]
    public async Task AStuckSubscriber_IsCappedAndReported_WhileAHealthyOneGetsEverything()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0, extra:
        [
            "--Dashboard:Broker:MaxPendingPerClient=200", "--Dashboard:Broker:HoldPublishersAbove=50", "--Dashboard:Broker:ResumeBelow=10",
            "--Dashboard:Broker:StallAfter=00:00:01", "--Dashboard:Broker:MaxHold=00:00:00.200",
        ]);
        var received = new ConcurrentDictionary<string, byte>();
        using var healthy = await SubscribeAsync(host.MqttPort, "healthy", "bulk/#", received);
        using var stuck = await RawMqttSubscriber.ConnectAndStopReadingAsync(host.MqttPort, "stuck-device", "bulk/#");

        // 4 KB messages fill the stuck client's socket buffers quickly; then its queue at the broker grows.
        const int Count = 3_000;
        var publishing = PublishAsync(host.MqttPort, "bulk/1", Count, payloadBytes: 4096, window: 20);
        var finished = await Task.WhenAny(publishing, Task.Delay(TimeSpan.FromMinutes(2)));
        Assert.True(finished == publishing, "publishing never finished: the stuck subscriber held the publisher");
        await publishing;

        await Eventually.TrueAsync(() => received.Count == Count, "the healthy subscriber received every message", seconds: 60);
        var flow = host.Services.GetRequiredService<DeliveryFlowControl>();
        Assert.True(flow.Status.Dropped > 0, $"nothing dropped for the stuck subscriber: {flow.Status}");
        await Eventually.TrueAsync(
            () => host.Fleet.Events().Any(e => e.Kind == FleetEventKind.Rejected && e.Subject == "stuck-device" && e.Detail.Contains("dropped", StringComparison.Ordinal)),
            "an event reports the messages dropped for stuck-device",
            seconds: 15);
        Assert.Contains(host.Fleet.Events(), e => e.Kind == FleetEventKind.Rejected && e.Subject == "stuck-device" && e.Detail.Contains("stopped reading", StringComparison.Ordinal));
    }

    private static async Task<IMqttClient> SubscribeAsync(int port, string clientId, string filter, ConcurrentDictionary<string, byte> received)
    {
        var factory = new MqttClientFactory();
        var client = factory.CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            received.TryAdd($"{e.ApplicationMessage.Topic}#{e.ApplicationMessage.ConvertPayloadToString()[..12]}", 0);
            return Task.CompletedTask;
        };
        await client.ConnectAsync(factory.CreateClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId).WithCleanSession().Build());
        await client.SubscribeAsync(factory.CreateSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return client;
    }

    /// <summary>Publishes <paramref name="count"/> numbered messages at QoS 1, <paramref name="window"/> unacknowledged at most.</summary>
    private static async Task PublishAsync(int port, string topic, int count, int payloadBytes, int window)
    {
        var factory = new MqttClientFactory();
        using var client = factory.CreateMqttClient();
        await client.ConnectAsync(factory.CreateClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId($"pub-{topic}").WithCleanSession().WithTimeout(TimeSpan.FromSeconds(60)).Build());
        using var slots = new SemaphoreSlim(window);
        var pending = new List<Task>();
        for (int i = 0; i < count; i++)
        {
            string payload = i.ToString("D12", System.Globalization.CultureInfo.InvariantCulture).PadRight(payloadBytes, '.');
            var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
            await slots.WaitAsync();
            pending.Add(PublishOneAsync(client, message, slots));
        }

        await Task.WhenAll(pending);
        await client.DisconnectAsync();
    }

    private static async Task PublishOneAsync(IMqttClient client, MqttApplicationMessage message, SemaphoreSlim slots)
    {
        try
        {
            var result = await client.PublishAsync(message);
            Assert.True(result.IsSuccess, $"publish refused: {result.ReasonCode}");
        }
        finally
        {
            slots.Release();
        }
    }
}
