namespace IplsCore.Transport;

/// <summary>
/// What IPLS needs from a network: a message link (<see cref="IMessageLink"/>) plus put/get content
/// by id for state larger than a message. Messages may be lost, duplicated, delayed and reordered;
/// the protocol copes. Implementations: the simulated network (tests, benchmarks), MQTT (default) and
/// Kubo (IPFS pubsub and blocks).
/// </summary>
public interface IIplsTransport : IMessageLink
{
    /// <summary>What carries IPLS, in words for the agent's status: <c>mqtt</c>, or the IPFS daemon as it describes itself; null until known.</summary>
    string? NetworkDescription { get; }

    /// <summary>Stores content and returns its id (a SHA-256 for MQTT, a CID for IPFS); at most <see cref="IMessageLink.MaxPayloadBytes"/>.</summary>
    Task<string> PutContentAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Fetches content by id; null when it cannot be had within the transport's timeout or fails its check.</summary>
    Task<byte[]?> GetContentAsync(string contentId, CancellationToken cancellationToken);
}
