using System.Threading.Channels;

namespace IplsCore.Transport;

/// <summary>
/// What IPLS needs from a network: publish bytes to a topic, receive the messages of subscribed
/// topics as one stream, and put/get content by id for state larger than a message. Messages may be
/// lost, duplicated, delayed and reordered; the protocol copes. Implementations: the simulated
/// network (tests, benchmarks), MQTT (default) and Kubo (IPFS pubsub and blocks).
/// </summary>
public interface IIplsTransport : IAsyncDisposable
{
    /// <summary>Largest payload <see cref="PublishAsync"/> and <see cref="PutContentAsync"/> accept.</summary>
    int MaxPayloadBytes { get; }

    /// <summary>Messages of every subscribed topic, in arrival order, from a bounded queue (drops are counted).</summary>
    ChannelReader<TransportMessage> Messages { get; }

    TransportCounters Counters { get; }

    /// <summary>Returns once the subscription is active (for MQTT: the broker acknowledged it).</summary>
    Task SubscribeAsync(string topic, CancellationToken cancellationToken);

    Task UnsubscribeAsync(string topic, CancellationToken cancellationToken);

    /// <summary>Publishes at least once. Throws <see cref="TransportUnavailableException"/> when the network stays unreachable past the timeout.</summary>
    Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>Stores content and returns its id (a SHA-256 for MQTT, a CID for IPFS).</summary>
    Task<string> PutContentAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Fetches content by id; null when it cannot be had within the transport's timeout or fails its check.</summary>
    Task<byte[]?> GetContentAsync(string contentId, CancellationToken cancellationToken);
}
