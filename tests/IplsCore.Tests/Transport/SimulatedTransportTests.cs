using System.Diagnostics;
using IplsCore.Ipls;
using IplsCore.Ipls.Node;
using IplsCore.Ipls.Runtime;
using IplsCore.Ipls.Wire;
using IplsCore.Transport.Simulation;

namespace IplsCore.Tests.Transport;

public class SimulatedTransportTests
{
    [Fact]
    public async Task Transport_DeliversSubscribedTopicsAndContent()
    {
        var network = new SimulatedNetwork(1);
        await using var a = network.CreateTransport("a");
        await using var b = network.CreateTransport("b");
        await b.SubscribeAsync("t", CancellationToken.None);

        await a.PublishAsync("t", new byte[] { 7 }, CancellationToken.None);
        await a.PublishAsync("other", new byte[] { 8 }, CancellationToken.None);
        network.RunFor(TimeSpan.FromSeconds(1));
        string id = await a.PutContentAsync(new byte[] { 1, 2 }, CancellationToken.None);

        Assert.True(b.Messages.TryRead(out var message));
        Assert.Equal("t", message.Topic);
        Assert.Equal([7], message.Payload);
        Assert.False(b.Messages.TryRead(out _));
        Assert.Equal([1, 2], await b.GetContentAsync(id, CancellationToken.None));
        Assert.Null(await b.GetContentAsync("missing", CancellationToken.None));
    }

    [Fact]
    public async Task PeerRunners_OnVirtualTime_ConvergeAfterARound()
    {
        var options = new IplsOptions { FleetId = "virt", Partitions = 4, JoinRampRounds = 1 };
        var codec = MessageCodec.FromToken("virtual-time-fleet-secret");
        var network = new SimulatedNetwork(2);
        var runners = new List<IplsPeerRunner>();
        var transports = new List<SimulatedTransport>();
        foreach (var id in new[] { "a", "b", "c" })
        {
            var node = new IplsNode(options, id, PeerRole.Peer, 1, codec, Enumerable.Repeat(1f, 40).ToArray());
            var transport = network.CreateTransport(id);
            var runner = new IplsPeerRunner(node, transport, network.Time);
            runner.Start();
            runners.Add(runner);
            transports.Add(transport);
        }

        // Virtual time advances only once every runner has taken in what the last step delivered: on a
        // busy machine a runner left behind would miss heartbeats in virtual time and be declared dead.
        async Task CaughtUp()
        {
            foreach (var transport in transports)
            {
                while (transport.Messages.Count > 0)
                {
                    await Task.Delay(1);
                }
            }

            foreach (var runner in runners)
            {
                await runner.QueryAsync(n => n.Id, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            }
        }

        async Task AdvanceUntil(Func<bool> done)
        {
            var watch = Stopwatch.StartNew();
            while (!done())
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "timed out");
                network.RunFor(TimeSpan.FromMilliseconds(50));
                await CaughtUp();
            }
        }

        await AdvanceUntil(() => runners.All(r => r.FleetModel.Synchronized));
        await AdvanceUntil(() => runners.All(r => r.QueryAsync(n => n.Members.Count, CancellationToken.None).Result == 2));
        foreach (var runner in runners)
        {
            await runner.SubmitDeltaAsync(Enumerable.Repeat(0.5f, 40).ToArray(), runner.FleetModel.Versions, 10, 1, CancellationToken.None);
        }

        await AdvanceUntil(() => runners.All(r => r.FleetModel.Versions.All(v => v == 1)));

        Assert.All(runners, r => Assert.All(r.FleetModel.Parameters, v => Assert.Equal(0.5f, v, 1e-6f)));
        foreach (var runner in runners)
        {
            await runner.DisposeAsync();
        }
    }

    [Fact]
    public async Task PeerRunner_BadLocalDelta_IsSkippedAndTheLoopKeepsRunning()
    {
        var network = new SimulatedNetwork(3);
        var node = new IplsNode(new IplsOptions { FleetId = "bad", Partitions = 2 }, "solo", PeerRole.Peer, 1, MessageCodec.FromToken("bad-delta-fleet-secret"), new float[10]);
        await using var runner = new IplsPeerRunner(node, network.CreateTransport("solo"), network.Time);
        runner.Start();

        await runner.SubmitDeltaAsync(new float[3], [0, 0], 10, 1, CancellationToken.None); // wrong length
        await runner.SubmitDeltaAsync([float.NaN, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0], 10, 2, CancellationToken.None);
        var id = await runner.QueryAsync(n => n.Id, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("solo", id);
    }
}
