using IplsCore.Ipls;
using IplsCore.Ipls.Node;
using IplsCore.Ipls.Runtime;
using IplsCore.Ipls.Wire;
using IplsCore.Transport.Kubo;
using Microsoft.Extensions.Logging;

namespace IplsCore.Tests.Transport.Kubo;

/// <summary>
/// IPLS peers as they run in agents with <c>transport: ipfs</c>: one fake Kubo daemon each, linked
/// only through the bootstrapper dials the transports make, relaying pubsub and sharing blocks.
/// </summary>
public sealed class IplsOverKuboTests : IAsyncLifetime
{
    private const int Parameters = 200;
    private static readonly IplsOptions Options = new()
    {
        FleetId = "kubo-test",
        Partitions = 4,
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        FailureTimeout = TimeSpan.FromSeconds(5),
        AggregationWindow = TimeSpan.FromSeconds(4),
        JoinRampRounds = 1,
    };

    private static readonly MessageCodec Codec = MessageCodec.FromToken("kubo-test-fleet-secret");
    private readonly FakeKuboNetwork _network = new();
    private readonly List<IplsPeerRunner> _runners = [];
    private readonly List<KuboTransport> _transports = [];
    private readonly RecordingLogger _log = new();
    private FakeKuboDaemon _bootstrap = null!;

    public async Task InitializeAsync() => _bootstrap = await _network.StartDaemonAsync();

    public async Task DisposeAsync()
    {
        foreach (var runner in _runners)
        {
            await runner.DisposeAsync();
        }

        foreach (var transport in _transports)
        {
            await transport.DisposeAsync();
        }

        await _network.StopAsync();
    }

    private async Task<(IplsPeerRunner Runner, FakeKuboDaemon Daemon)> PeerAsync(string id, float value)
    {
        // The first peer shares the bootstrap daemon; every other one has its own and knows only the bootstrapper.
        var daemon = _runners.Count == 0 ? _bootstrap : await _network.StartDaemonAsync();
        var transport = KuboTransport.Start(
            new KuboTransportOptions
            {
                ApiUri = daemon.ApiUri,
                Bootstrappers = [_bootstrap.PeerMultiaddr],
                MaintenanceInterval = TimeSpan.FromMilliseconds(200),
                ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
                ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            },
            _log);
        _transports.Add(transport);
        var node = new IplsNode(Options, id, PeerRole.Peer, 1, Codec, Enumerable.Repeat(value, Parameters).ToArray());
        var runner = new IplsPeerRunner(node, transport, logger: _log, tick: TimeSpan.FromMilliseconds(50));
        _runners.Add(runner);
        runner.Start();
        return (runner, daemon);
    }

    [Fact]
    public async Task ThreePeersOverKubo_AggregateARound_AndALateJoinerGetsTheModelByCid()
    {
        var daemons = new Dictionary<string, FakeKuboDaemon>();
        var peers = new List<IplsPeerRunner>();
        foreach (string id in new[] { "a", "b", "c" })
        {
            var (runner, daemon) = await PeerAsync(id, 1f);
            peers.Add(runner);
            daemons[id] = daemon;
        }

        await Eventually.TrueAsync(() => peers.All(p => p.FleetModel.Synchronized), "all are synchronized", seconds: 30);
        await Eventually.TrueAsync(() => peers.All(p => p.QueryAsync(n => n.Members.Count, CancellationToken.None).Result == 2), "all see each other", seconds: 30);

        // Deltas sent before an owner's delta stream is open are lost (pubsub keeps nothing): wait for the owners' streams.
        await Eventually.TrueAsync(
            () => Enumerable.Range(0, Options.Partitions).All(p => peers[0].QueryAsync(n => n.OwnersOf(p), CancellationToken.None).Result
                .All(owner => daemons[owner].OpenStreams("ipls/" + Options.DeltaTopic(p)) > 0)),
            "every owner listens on its partitions' delta topics",
            seconds: 30);

        foreach (var peer in peers)
        {
            await peer.SubmitDeltaAsync(Enumerable.Repeat(0.25f, Parameters).ToArray(), peer.FleetModel.Versions, 33, 1, CancellationToken.None);
        }

        await Eventually.TrueAsync(() => peers.All(p => p.FleetModel.Versions.All(v => v == 1)), "every partition moved to version 1 everywhere", seconds: 30);
        Assert.All(peers, p => Assert.All(p.FleetModel.Parameters, v => Assert.Equal(0.75f, v, 1e-6f)));

        var (joiner, joinerDaemon) = await PeerAsync("z", -3f);
        await Eventually.TrueAsync(() => joiner.FleetModel.Synchronized, "the joiner is synchronized", seconds: 30);

        Assert.All(joiner.FleetModel.Parameters, v => Assert.Equal(0.75f, v, 1e-6f));
        Assert.Equal(1, await joiner.QueryAsync(n => n.Counters.StateTransfersCompleted, CancellationToken.None));
        var fetch = Assert.Single(joinerDaemon.RequestsTo("block/get"));
        Assert.StartsWith("arg=bafkrei", fetch.Query.TrimStart('?'), StringComparison.Ordinal);
        Assert.Contains(_network.ConnectedTo(joinerDaemon), d => d == _bootstrap);
        Assert.Empty(_log.At(LogLevel.Error));
        Assert.All(_transports, t => Assert.Equal(0, t.Counters.DroppedMalformed + t.Counters.ContentRejected + t.Counters.DroppedQueueFull));
    }
}
