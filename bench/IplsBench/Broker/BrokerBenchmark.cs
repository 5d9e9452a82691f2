using System.Diagnostics;
using MQTTnet;
using IplsCore.Transport.Mqtt;
using MQTTnet.Protocol;

namespace IplsBench.Broker;

/// <summary>
/// Publishers on <c>vehicle/{p}</c> → one subscriber on <c>vehicle/#</c>, as the dashboard's broker sees a
/// fleet: every message is timed from publish to delivery, and counted once however often it arrives.
/// Clients connect as the agents do (<see cref="MqttSocketBuffers"/>).
/// </summary>
internal static class BrokerBenchmark
{
    /// <summary>How long the subscriber may go without a new message before the rest count as lost.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    public static async Task<BrokerFigures> RunAsync(IBenchBroker broker, BrokerLoad load, CancellationToken cancellationToken)
    {
        var factory = new MqttClientFactory();
        var qos = (MqttQualityOfServiceLevel)load.Qos;
        var tracker = new DeliveryTracker(load);
        using var subscriber = factory.CreateMqttClient();
        subscriber.ApplicationMessageReceivedAsync += e =>
        {
            if (LoadPayload.TryRead(e.ApplicationMessage.Payload, out int p, out int s, out long t))
            {
                tracker.OnMessage(p, s, t);
            }
            else
            {
                tracker.OnForeign();
            }

            return Task.CompletedTask;
        };
        await subscriber.ConnectAsync(Options(factory, broker.Port, "bench-subscriber"), cancellationToken).ConfigureAwait(false);
        await subscriber.SubscribeAsync(factory.CreateSubscribeOptionsBuilder().WithTopicFilter("vehicle/#", qos).Build(), cancellationToken).ConfigureAwait(false);

        var publishers = new List<IMqttClient>();
        try
        {
            for (int p = 0; p < load.Publishers; p++)
            {
                var client = factory.CreateMqttClient();
                publishers.Add(client);
                await client.ConnectAsync(Options(factory, broker.Port, $"bench-publisher-{p}"), cancellationToken).ConfigureAwait(false);
            }

            long start = Stopwatch.GetTimestamp();
            long[] sent = await Task.WhenAll(publishers.Select((client, p) => PublishAllAsync(client, p, load, qos, cancellationToken))).ConfigureAwait(false);
            long total = sent.Sum();
            await DrainAsync(tracker, total, cancellationToken).ConfigureAwait(false);
            long end = tracker.Received > 0 ? tracker.LastDeliveryTimestamp : Stopwatch.GetTimestamp();
            double seconds = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
            return new BrokerFigures
            {
                Broker = broker.Name,
                Qos = load.Qos,
                Publishers = load.Publishers,
                PayloadBytes = LoadPayload.Length,
                Sent = total,
                Received = tracker.Received,
                Duplicates = tracker.Duplicates,
                MessagesPerSecond = tracker.Received / Math.Max(seconds, 1e-9),
                LatencyP50Ms = tracker.Percentile(0.50),
                LatencyP99Ms = tracker.Percentile(0.99),
                Seconds = seconds,
            };
        }
        finally
        {
            foreach (var client in publishers)
            {
                await DisconnectAsync(client).ConfigureAwait(false);
                client.Dispose();
            }

            await DisconnectAsync(subscriber).ConfigureAwait(false);
        }
    }

    private static MqttClientOptions Options(MqttClientFactory factory, int port, string clientId) =>
        factory.CreateClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithSocketBuffers().WithClientId(clientId).WithCleanSession().WithTimeout(TimeSpan.FromSeconds(30)).Build();

    /// <summary>Publishes every message of one publisher; at QoS 1 keeps up to <see cref="BrokerLoad.Window"/> unacknowledged. Returns how many the broker accepted.</summary>
    private static async Task<long> PublishAllAsync(IMqttClient client, int publisher, BrokerLoad load, MqttQualityOfServiceLevel qos, CancellationToken cancellationToken)
    {
        string topic = $"vehicle/{publisher + 1}";
        long accepted = 0;
        using var window = new SemaphoreSlim(load.Window);
        var pending = new List<Task>(load.Window);
        for (int s = 0; s < load.MessagesPerPublisher; s++)
        {
            var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(LoadPayload.Create(publisher, s, Stopwatch.GetTimestamp())).WithQualityOfServiceLevel(qos).Build();
            if (qos == MqttQualityOfServiceLevel.AtMostOnce)
            {
                await client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
                accepted++;
                continue;
            }

            await window.WaitAsync(cancellationToken).ConfigureAwait(false);
            pending.RemoveAll(t => t.IsCompleted);
            pending.Add(PublishOneAsync(client, message, window, cancellationToken));
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
        return qos == MqttQualityOfServiceLevel.AtMostOnce ? accepted : load.MessagesPerPublisher;
    }

    private static async Task PublishOneAsync(IMqttClient client, MqttApplicationMessage message, SemaphoreSlim window, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException($"the broker refused a publish: {result.ReasonCode}");
            }
        }
        finally
        {
            window.Release();
        }
    }

    private static async Task DrainAsync(DeliveryTracker tracker, long expected, CancellationToken cancellationToken)
    {
        long last = -1;
        var quiet = Stopwatch.StartNew();
        while (tracker.Received < expected && quiet.Elapsed < DrainTimeout)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            long now = tracker.Received;
            if (now != last)
            {
                last = now;
                quiet.Restart();
            }
        }
    }

    private static async Task DisconnectAsync(IMqttClient client)
    {
        if (client.IsConnected)
        {
            try
            {
                await client.DisconnectAsync().ConfigureAwait(false);
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                // Already gone; nothing to tidy.
            }
        }
    }
}
