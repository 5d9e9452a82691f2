using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace IplsCore.Tests.Transport.Kubo;

/// <summary>
/// Several fake Kubo daemons that behave like one small IPFS network: a publish reaches the
/// subscribers of every daemon connected to the publisher (directly or through others, as gossip
/// relays), blocks put on one can be got from any, and swarm connections are made and lost on request.
/// </summary>
internal sealed class FakeKuboNetwork
{
    private const string Base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private readonly List<FakeKuboDaemon> _daemons = [];
    private readonly HashSet<(string, string)> _links = [];
    private readonly Lock _gate = new();
    private long _seqno = 0x18A2B3C4D5E6F700;

    public ConcurrentDictionary<string, byte[]> Blocks { get; } = new(StringComparer.Ordinal);

    /// <summary>Made-up Ed25519-style peer ids; the first three are the contract's A, B and C.</summary>
    public static string PeerId(int index) => index switch
    {
        0 => KuboFixtures.PeerA,
        1 => KuboFixtures.PeerB,
        2 => KuboFixtures.PeerC,
        _ => "12D3KooW" + new string([.. SHA256.HashData(Encoding.UTF8.GetBytes($"peer {index}")).Concat(SHA256.HashData(Encoding.UTF8.GetBytes($"peer {index}!"))).Take(44).Select(b => Base58[b % Base58.Length])]),
    };

    public async Task<FakeKuboDaemon> StartDaemonAsync(int? port = null)
    {
        int index;
        lock (_gate)
        {
            index = _daemons.Count;
        }

        var daemon = await FakeKuboDaemon.StartAsync(this, PeerId(index), $"/ip4/127.0.0.1/tcp/{4001 + index}", port);
        lock (_gate)
        {
            _daemons.Add(daemon);
        }

        return daemon;
    }

    public FakeKuboDaemon? ByPeerId(string peerId)
    {
        lock (_gate)
        {
            return _daemons.FirstOrDefault(d => d.PeerId == peerId);
        }
    }

    public void Connect(FakeKuboDaemon a, FakeKuboDaemon b)
    {
        lock (_gate)
        {
            _links.Add(Link(a, b));
        }
    }

    public void Disconnect(FakeKuboDaemon a, FakeKuboDaemon b)
    {
        lock (_gate)
        {
            _links.Remove(Link(a, b));
        }
    }

    public IReadOnlyList<FakeKuboDaemon> ConnectedTo(FakeKuboDaemon daemon)
    {
        lock (_gate)
        {
            return [.. _daemons.Where(d => d != daemon && _links.Contains(Link(d, daemon)))];
        }
    }

    /// <summary>Delivers a publication to every daemon reachable from the publisher, the publisher included (Kubo echoes own messages).</summary>
    public void Publish(FakeKuboDaemon from, string topic, byte[] data)
    {
        long seqno = Interlocked.Increment(ref _seqno);
        var reached = new HashSet<FakeKuboDaemon> { from };
        var queue = new Queue<FakeKuboDaemon>([from]);
        while (queue.TryDequeue(out var daemon))
        {
            foreach (var next in ConnectedTo(daemon))
            {
                if (reached.Add(next))
                {
                    queue.Enqueue(next);
                }
            }
        }

        string line = KuboFixtures.SubLine(from.PeerId, data, seqno, topic);
        foreach (var daemon in reached)
        {
            daemon.Deliver(topic, line);
        }
    }

    public async Task StopAsync()
    {
        List<FakeKuboDaemon> daemons;
        lock (_gate)
        {
            daemons = [.. _daemons];
            _daemons.Clear();
        }

        foreach (var daemon in daemons)
        {
            await daemon.StopAsync();
        }
    }

    private static (string, string) Link(FakeKuboDaemon a, FakeKuboDaemon b) =>
        string.CompareOrdinal(a.PeerId, b.PeerId) < 0 ? (a.PeerId, b.PeerId) : (b.PeerId, a.PeerId);
}
