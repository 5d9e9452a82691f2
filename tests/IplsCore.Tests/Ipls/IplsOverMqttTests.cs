using System.Diagnostics;
using IplsCore.Ipls;
using IplsCore.Ipls.Node;
using IplsCore.Ipls.Runtime;
using IplsCore.Ipls.Wire;
using IplsCore.Tests.Transport;
using IplsCore.Transport.Mqtt;
using MQTTnet.Server;

namespace IplsCore.Tests.Ipls;

/// <summary>IPLS peers as they run in agents: real MQTT broker, real time, one runner loop each.</summary>
public sealed class IplsOverMqttTests : IAsyncLifetime
{
    private const int Parameters = 200;
    private static readonly IplsOptions Options = new()
    {
        FleetId = "mqtt-test",
        Partitions = 4,
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        // Generous: these run in real time beside the rest of the suite on 2 cores. Owners publish as
        // soon as all three deltas are in, so the window only matters if one is lost.
        FailureTimeout = TimeSpan.FromSeconds(5),
        AggregationWindow = TimeSpan.FromSeconds(4),
        JoinRampRounds = 1,
    };

    private static readonly MessageCodec Codec = MessageCodec.FromToken("mqtt-test-fleet-secret");
    private readonly List<IplsPeerRunner> _runners = [];
    private readonly List<MqttTransport> _transports = [];
    private MqttServer? _server;
    private int _port;

    public async Task InitializeAsync()
    {
        _port = Brokers.FreePort();
        _server = await Brokers.StartMqttNetAsync(_port);
    }

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

        await _server!.StopAsync(new MqttServerStopOptions());
        _server.Dispose();
    }

    private IplsPeerRunner Peer(string id, float value)
    {
        var transport = MqttTransport.Start(new MqttTransportOptions { Host = "127.0.0.1", Port = _port });
        _transports.Add(transport);
        var node = new IplsNode(Options, id, PeerRole.Peer, 1, Codec, Enumerable.Repeat(value, Parameters).ToArray());
        var runner = new IplsPeerRunner(node, transport, tick: TimeSpan.FromMilliseconds(50));
        _runners.Add(runner);
        runner.Start();
        return runner;
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "timed out waiting until " + what);
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task PeersOverMqtt_AggregateARound_AndALateJoinerGetsTheModelByStateTransfer()
    {
        var peers = new[] { Peer("a", 1f), Peer("b", 1f), Peer("c", 1f) };
        await EventuallyAsync(() => peers.All(p => p.FleetModel.Synchronized), "all are synchronized");
        await EventuallyAsync(() => peers.All(p => p.QueryAsync(n => n.Members.Count, CancellationToken.None).Result == 2), "all see each other");

        foreach (var peer in peers)
        {
            var snapshot = peer.FleetModel;
            await peer.SubmitDeltaAsync(Enumerable.Repeat(0.25f, Parameters).ToArray(), snapshot.Versions, 33, 1, CancellationToken.None);
        }

        await EventuallyAsync(() => peers.All(p => p.FleetModel.Versions.All(v => v == 1)), "every partition moved to version 1 everywhere");
        Assert.All(peers, p => Assert.All(p.FleetModel.Parameters, v => Assert.Equal(0.75f, v, 1e-6f)));

        var joiner = Peer("z", -3f);
        await EventuallyAsync(() => joiner.FleetModel.Synchronized, "the joiner is synchronized");
        Assert.All(joiner.FleetModel.Parameters, v => Assert.Equal(0.75f, v, 1e-6f));
        Assert.Equal(1, await joiner.QueryAsync(n => n.Counters.StateTransfersCompleted, CancellationToken.None));
    }

    [Fact]
    public async Task GracefulStop_IsSeenAsALeaveBeforeTheFailureTimeout()
    {
        var a = Peer("a", 1f);
        var b = Peer("b", 1f);
        await EventuallyAsync(() => a.QueryAsync(n => n.Knows("b"), CancellationToken.None).Result, "a sees b");

        var watch = Stopwatch.StartNew();
        await b.StopAsync(leave: true, CancellationToken.None);
        await EventuallyAsync(() => !a.QueryAsync(n => n.Knows("b"), CancellationToken.None).Result, "a drops b");

        Assert.True(watch.Elapsed < Options.FailureTimeout, $"took {watch.Elapsed}");
    }
}
