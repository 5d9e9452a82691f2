using IplsCore.Ipls.Node;
using IplsCore.Transport.Simulation;

namespace IplsCore.Ipls.Simulation;

/// <summary>
/// Runs one <see cref="IplsNode"/> on the <see cref="SimulatedNetwork"/>: delivers its messages,
/// ticks it on a virtual timer and carries out its actions. Content is stored and fetched at once.
/// </summary>
public sealed class SimulatedNodeHost
{
    private readonly SimulatedNetwork _network;
    private readonly TimeSpan _tickInterval;
    private SimulatedEndpoint _endpoint;

    public SimulatedNodeHost(SimulatedNetwork network, IplsNode node, TimeSpan? tickInterval = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(node);
        _network = network;
        Node = node;
        _tickInterval = tickInterval ?? TimeSpan.FromMilliseconds(250);
        _endpoint = network.Attach(node.Id, OnMessage);
        Start();
    }

    public IplsNode Node { get; private set; }

    public SimulatedEndpoint Endpoint => _endpoint;

    public bool Up => _endpoint.Up;

    /// <summary>Kills the node without a goodbye.</summary>
    public void Crash() => _network.Crash(Node.Id);

    /// <summary>Replaces the crashed node's process with <paramref name="node"/> (same id, new incarnation).</summary>
    public void Restart(IplsNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Id != Node.Id)
        {
            throw new ArgumentException("A restarted node keeps its id.", nameof(node));
        }

        Node = node;
        _endpoint = _network.Restart(node.Id, OnMessage);
        Start();
    }

    /// <summary>Leaves gracefully, then stops.</summary>
    public void Leave()
    {
        Node.Leave(_network.Now);
        Flush();
        _network.Crash(Node.Id);
    }

    /// <summary>Carries out every action the node queued (call after feeding it from outside, e.g. SubmitDelta).</summary>
    public void Flush()
    {
        // Executing an action can queue more (a stored snapshot queues its offer), so drain until empty.
        IReadOnlyList<NodeAction> actions;
        while ((actions = Node.DrainActions()).Count > 0)
        {
            foreach (var action in actions)
            {
                Execute(action);
            }
        }
    }

    private void Start()
    {
        Node.Start(_network.Now);
        Flush();
        _network.ScheduleFor(Node.Id, _tickInterval, Tick);
    }

    private void Tick()
    {
        Node.Tick(_network.Now);
        Flush();
        _network.ScheduleFor(Node.Id, _tickInterval, Tick);
    }

    private void OnMessage(string topic, byte[] payload)
    {
        Node.Receive(topic, payload, _network.Now);
        Flush();
    }

    private void Execute(NodeAction action)
    {
        switch (action)
        {
            case PublishAction publish:
                _endpoint.Publish(publish.Topic, publish.Payload);
                break;
            case SubscribeAction subscribe:
                _endpoint.Subscribe(subscribe.Topic);
                Node.OnSubscribed(subscribe.Topic, _network.Now);
                break;
            case UnsubscribeAction unsubscribe:
                _endpoint.Unsubscribe(unsubscribe.Topic);
                break;
            case StoreContentAction store:
                string id = _endpoint.PutContent(store.Content);
                Node.OnContentStored(store.Nonce, id, store.Content, _network.Now);
                break;
            case FetchContentAction fetch:
                if (_endpoint.TryGetContent(fetch.ContentId, out byte[] content))
                {
                    Node.OnContentFetched(fetch.Nonce, content, _network.Now);
                }
                else
                {
                    Node.OnContentFetchFailed(fetch.Nonce, _network.Now);
                }

                break;
        }
    }
}
