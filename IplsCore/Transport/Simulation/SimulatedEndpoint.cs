namespace IplsCore.Transport.Simulation;

/// <summary>One node's attachment to the <see cref="SimulatedNetwork"/>; all calls are synchronous.</summary>
public sealed class SimulatedEndpoint
{
    private readonly SimulatedNetwork _network;

    internal SimulatedEndpoint(SimulatedNetwork network, string id, Action<string, byte[]> handler)
    {
        _network = network;
        Id = id;
        Handler = handler;
    }

    public string Id { get; }

    public bool Up { get; internal set; } = true;

    public SimulatedNodeStats Stats { get; } = new();

    internal long Incarnation { get; set; }

    internal Action<string, byte[]> Handler { get; set; }

    internal SortedSet<string> Subscriptions { get; } = new(StringComparer.Ordinal);

    public void Publish(string topic, byte[] payload) => _network.Publish(this, topic, payload);

    public void Subscribe(string topic)
    {
        if (Up && Subscriptions.Add(topic))
        {
            _network.Subscribe(this, topic);
        }
    }

    public void Unsubscribe(string topic)
    {
        if (Subscriptions.Remove(topic))
        {
            _network.Unsubscribe(this, topic);
        }
    }

    public string PutContent(byte[] content) => _network.PutContent(this, content);

    public bool TryGetContent(string id, out byte[] content) => _network.TryGetContent(this, id, out content);
}
