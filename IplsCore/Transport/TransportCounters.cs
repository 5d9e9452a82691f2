namespace IplsCore.Transport;

/// <summary>Traffic and drops of one transport; updated from several threads.</summary>
public sealed class TransportCounters
{
    private long _published;
    private long _publishedBytes;
    private long _received;
    private long _droppedQueueFull;
    private long _reconnects;
    private long _droppedOversized;
    private long _droppedMalformed;
    private long _contentRejected;
    private long _publishRetries;
    private long _publishedToNobody;

    public long Published => Interlocked.Read(ref _published);

    public long PublishedBytes => Interlocked.Read(ref _publishedBytes);

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Incoming messages dropped because the receive queue was full.</summary>
    public long DroppedQueueFull => Interlocked.Read(ref _droppedQueueFull);

    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Incoming messages dropped because they exceeded the payload limit.</summary>
    public long DroppedOversized => Interlocked.Read(ref _droppedOversized);

    /// <summary>Incoming messages dropped because the transport could not read them (bad framing, bad encoding, wrong topic).</summary>
    public long DroppedMalformed => Interlocked.Read(ref _droppedMalformed);

    /// <summary>Fetched content refused because it did not match its id (or was too large).</summary>
    public long ContentRejected => Interlocked.Read(ref _contentRejected);

    /// <summary>Publishes the network refused once and that were sent again.</summary>
    public long PublishRetries => Interlocked.Read(ref _publishRetries);

    /// <summary>Publishes that reached no peer because nobody subscribed to the topic yet (js-ipfs says so; Kubo does not).</summary>
    public long PublishedToNobody => Interlocked.Read(ref _publishedToNobody);

    internal void OnPublishedToNobody() => Interlocked.Increment(ref _publishedToNobody);

    internal void OnPublished(int bytes)
    {
        Interlocked.Increment(ref _published);
        Interlocked.Add(ref _publishedBytes, bytes);
    }

    internal void OnReceived() => Interlocked.Increment(ref _received);

    internal void OnDropped() => Interlocked.Increment(ref _droppedQueueFull);

    internal void OnDroppedOversized() => Interlocked.Increment(ref _droppedOversized);

    internal void OnDroppedMalformed() => Interlocked.Increment(ref _droppedMalformed);

    internal void OnContentRejected() => Interlocked.Increment(ref _contentRejected);

    internal void OnPublishRetried() => Interlocked.Increment(ref _publishRetries);

    internal void OnReconnected() => Interlocked.Increment(ref _reconnects);
}
