using System.Security.Cryptography;
using IplsCore.Ipls;
using IplsCore.Ipls.Node;
using IplsCore.Ipls.Wire;

namespace IplsCore.Tests.Ipls;

/// <summary>
/// A minimal lossless, instant in-memory bus for protocol unit tests: every published message is
/// delivered to each node subscribed to its topic, in order, on the test thread. Fault injection
/// (loss, delay, splits, crashes) lives in the simulated network; this harness checks the rules.
/// </summary>
internal sealed class NodeHarness
{
    public static readonly MessageCodec Codec = MessageCodec.FromToken("harness-fleet-secret");

    private readonly Dictionary<string, IplsNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _content = new(StringComparer.Ordinal);
    private readonly HashSet<string> _down = new(StringComparer.Ordinal);

    public NodeHarness(IplsOptions options, float[] initialModel)
    {
        Options = options;
        InitialModel = initialModel;
    }

    public IplsOptions Options { get; }

    public float[] InitialModel { get; }

    public DateTimeOffset Now { get; private set; } = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    public List<(string Topic, byte[] Payload)> Published { get; } = [];

    public IplsNode this[string id] => _nodes[id];

    public IplsNode Add(string id, PeerRole role = PeerRole.Peer, float[]? model = null, long incarnation = 1)
    {
        var node = new IplsNode(Options, id, role, incarnation, Codec, model ?? InitialModel, seed: _nodes.Count);
        _nodes[id] = node;
        _subscriptions[id] = new HashSet<string>(StringComparer.Ordinal);
        _down.Remove(id);
        node.Start(Now);
        Pump();
        return node;
    }

    /// <summary>Stops a node dead: no leave message, nothing delivered to it any more.</summary>
    public void Kill(string id) => _down.Add(id);

    /// <summary>Advances time in steps, ticking every live node and delivering everything.</summary>
    public void Run(TimeSpan duration, TimeSpan? step = null)
    {
        var dt = step ?? TimeSpan.FromMilliseconds(250);
        var end = Now + duration;
        while (Now < end)
        {
            Now += dt;
            foreach (var (id, node) in _nodes)
            {
                if (!_down.Contains(id))
                {
                    node.Tick(Now);
                }
            }

            Pump();
        }
    }

    /// <summary>Delivers a raw payload as if it came from the network.</summary>
    public void Inject(string topic, byte[] payload)
    {
        foreach (var (id, node) in _nodes)
        {
            if (!_down.Contains(id) && _subscriptions[id].Contains(topic))
            {
                node.Receive(topic, payload, Now);
            }
        }

        Pump();
    }

    public void Pump()
    {
        bool any = true;
        while (any)
        {
            any = false;
            foreach (var (id, node) in _nodes.ToArray())
            {
                if (_down.Contains(id))
                {
                    node.DrainActions();
                    continue;
                }

                foreach (var action in node.DrainActions())
                {
                    any = true;
                    Execute(id, node, action);
                }
            }
        }
    }

    private void Execute(string id, IplsNode node, NodeAction action)
    {
        switch (action)
        {
            case SubscribeAction s:
                _subscriptions[id].Add(s.Topic);
                node.OnSubscribed(s.Topic, Now);
                break;
            case UnsubscribeAction u:
                _subscriptions[id].Remove(u.Topic);
                break;
            case PublishAction p:
                Published.Add((p.Topic, p.Payload));
                foreach (var (otherId, other) in _nodes)
                {
                    if (!_down.Contains(otherId) && _subscriptions[otherId].Contains(p.Topic))
                    {
                        other.Receive(p.Topic, p.Payload, Now);
                    }
                }

                break;
            case StoreContentAction store:
                string cid = Convert.ToHexString(SHA256.HashData(store.Content));
                _content[cid] = store.Content;
                node.OnContentStored(store.Nonce, cid, store.Content, Now);
                break;
            case FetchContentAction fetch:
                if (_content.TryGetValue(fetch.ContentId, out var bytes))
                {
                    node.OnContentFetched(fetch.Nonce, bytes, Now);
                }
                else
                {
                    node.OnContentFetchFailed(fetch.Nonce, Now);
                }

                break;
        }
    }
}
