using System.Threading.Channels;

namespace IplsCore.Transport;

/// <summary>
/// A publish/subscribe link: publish bytes to a topic, receive the messages of subscribed topics as
/// one stream. An agent's sensor/score link is one (MQTT on the reference topics); an
/// <see cref="IIplsTransport"/> is one that also stores content.
/// </summary>
public interface IMessageLink : IAsyncDisposable
{
    /// <summary>Largest payload <see cref="PublishAsync"/> accepts.</summary>
    int MaxPayloadBytes { get; }

    /// <summary>Messages of every subscribed topic, in arrival order, from a bounded queue (drops are counted).</summary>
    ChannelReader<TransportMessage> Messages { get; }

    TransportCounters Counters { get; }

    /// <summary>Whether the network behind the link is reachable now (the broker connection, the IPFS daemon).</summary>
    bool IsConnected { get; }

    /// <summary>Returns once the subscription is active (for MQTT: the broker acknowledged it).</summary>
    Task SubscribeAsync(string topic, CancellationToken cancellationToken);

    Task UnsubscribeAsync(string topic, CancellationToken cancellationToken);

    /// <summary>Publishes at least once. Throws <see cref="TransportUnavailableException"/> when the network stays unreachable past the timeout.</summary>
    Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}
