using System.Threading.Channels;

namespace IplsCore.Transport.Simulation;

/// <summary>
/// <see cref="IIplsTransport"/> over the <see cref="SimulatedNetwork"/>, for async code such as the
/// peer runner or an agent under test. Delivery order and faults stay those of the seeded network;
/// how async consumers interleave with each other is up to the thread pool, so runs through this
/// adapter are not bit-for-bit reproducible (use <c>SimulatedNodeHost</c> for that).
/// </summary>
public sealed class SimulatedTransport : IIplsTransport
{
    private readonly SimulatedNetwork _network;
    private readonly SimulatedEndpoint _endpoint;
    private readonly Channel<TransportMessage> _messages;

    internal SimulatedTransport(SimulatedNetwork network, string nodeId, int receiveCapacity)
    {
        _network = network;
        _messages = Channel.CreateBounded<TransportMessage>(new BoundedChannelOptions(receiveCapacity) { SingleReader = true });
        lock (network.Gate)
        {
            _endpoint = network.Attach(nodeId, OnMessage);
        }
    }

    public int MaxPayloadBytes => _network.Options.MaxPayloadBytes;

    public ChannelReader<TransportMessage> Messages => _messages.Reader;

    public TransportCounters Counters { get; } = new();

    /// <summary>The simulated network is always there; loss and partitions are its own business.</summary>
    public bool IsConnected => true;

    public string? NetworkDescription => "simulated";

    public Task SubscribeAsync(string topic, CancellationToken cancellationToken)
    {
        lock (_network.Gate)
        {
            _endpoint.Subscribe(topic);
        }

        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(string topic, CancellationToken cancellationToken)
    {
        lock (_network.Gate)
        {
            _endpoint.Unsubscribe(topic);
        }

        return Task.CompletedTask;
    }

    public Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (!_endpoint.Up)
        {
            throw new TransportUnavailableException($"simulated node '{_endpoint.Id}' is down");
        }

        lock (_network.Gate)
        {
            _endpoint.Publish(topic, payload.ToArray());
        }

        Counters.OnPublished(payload.Length);
        return Task.CompletedTask;
    }

    public Task<string> PutContentAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        lock (_network.Gate)
        {
            return Task.FromResult(_endpoint.PutContent(content.ToArray()));
        }
    }

    public Task<byte[]?> GetContentAsync(string contentId, CancellationToken cancellationToken)
    {
        lock (_network.Gate)
        {
            return Task.FromResult(_endpoint.TryGetContent(contentId, out byte[] content) ? content : null);
        }
    }

    public ValueTask DisposeAsync()
    {
        _messages.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    private void OnMessage(string topic, byte[] payload)
    {
        Counters.OnReceived();
        if (!_messages.Writer.TryWrite(new TransportMessage(topic, payload)))
        {
            Counters.OnDropped();
        }
    }
}
