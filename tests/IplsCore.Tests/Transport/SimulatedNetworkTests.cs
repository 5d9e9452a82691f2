using IplsCore.Transport.Simulation;

namespace IplsCore.Tests.Transport;

public class SimulatedNetworkTests
{
    private static List<string> Trace(int seed, SimulatedNetworkOptions options)
    {
        var network = new SimulatedNetwork(seed, options);
        var trace = new List<string>();
        var endpoints = new List<SimulatedEndpoint>();
        for (int n = 0; n < 5; n++)
        {
            string id = $"n{n}";
            var endpoint = network.Attach(id, (topic, payload) => trace.Add($"{network.Now.Ticks}:{id}:{topic}:{payload[0]}"));
            endpoint.Subscribe("t");
            endpoints.Add(endpoint);
        }

        for (int i = 0; i < 50; i++)
        {
            int k = i;
            network.Schedule(TimeSpan.FromMilliseconds(i), () => endpoints[k % 5].Publish("t", [(byte)k]));
        }

        network.RunFor(TimeSpan.FromSeconds(5));
        return trace;
    }

    [Fact]
    public void SameSeed_GivesIdenticalDeliveryTrace()
    {
        var options = new SimulatedNetworkOptions { LossRate = 0.2, DuplicateRate = 0.1, Jitter = TimeSpan.FromMilliseconds(30) };

        var a = Trace(7, options);
        var b = Trace(7, options);
        var c = Trace(8, options);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void LossRate_DropsAboutThatShare()
    {
        var network = new SimulatedNetwork(1, new SimulatedNetworkOptions { LossRate = 0.1 });
        int received = 0;
        var sender = network.Attach("s", (_, _) => { });
        network.Attach("r", (_, _) => received++).Subscribe("t");

        for (int i = 0; i < 10_000; i++)
        {
            sender.Publish("t", [1]);
        }

        network.RunFor(TimeSpan.FromSeconds(1));

        Assert.InRange(received, 8_800, 9_200);
        Assert.Equal(10_000 - received, network.Endpoint("r").Stats.DroppedByLoss);
    }

    [Fact]
    public void Duplicates_AreDelivered()
    {
        var network = new SimulatedNetwork(1, new SimulatedNetworkOptions { DuplicateRate = 0.5 });
        int received = 0;
        var sender = network.Attach("s", (_, _) => { });
        network.Attach("r", (_, _) => received++).Subscribe("t");

        for (int i = 0; i < 1000; i++)
        {
            sender.Publish("t", [1]);
        }

        network.RunFor(TimeSpan.FromSeconds(1));

        Assert.InRange(received, 1400, 1600);
    }

    [Fact]
    public void Jitter_ReordersMessages()
    {
        var network = new SimulatedNetwork(3, new SimulatedNetworkOptions { Delay = TimeSpan.Zero, Jitter = TimeSpan.FromMilliseconds(100) });
        var order = new List<int>();
        var sender = network.Attach("s", (_, _) => { });
        network.Attach("r", (_, p) => order.Add(p[0])).Subscribe("t");

        for (int i = 0; i < 20; i++)
        {
            int k = i;
            network.Schedule(TimeSpan.FromMilliseconds(i), () => sender.Publish("t", [(byte)k]));
        }

        network.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(20, order.Count);
        Assert.NotEqual(order.Order().ToList(), order);
    }

    [Fact]
    public void Split_DropsAcrossGroups_UntilHealed()
    {
        var network = new SimulatedNetwork(1);
        var got = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0, ["c"] = 0 };
        var a = network.Attach("a", (_, _) => got["a"]++);
        network.Attach("b", (_, _) => got["b"]++).Subscribe("t");
        network.Attach("c", (_, _) => got["c"]++).Subscribe("t");

        network.Split(["a", "b"], ["c"]);
        a.Publish("t", [1]);
        network.RunFor(TimeSpan.FromSeconds(1));
        network.Heal();
        a.Publish("t", [2]);
        network.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(2, got["b"]);
        Assert.Equal(1, got["c"]);
        Assert.Equal(1, network.Endpoint("c").Stats.DroppedBySplit);
    }

    [Fact]
    public void CrashedNode_ReceivesNothingAndItsTimersDoNotFire_RestartKeepsTheId()
    {
        var network = new SimulatedNetwork(1);
        int received = 0;
        int timerFired = 0;
        var sender = network.Attach("s", (_, _) => { });
        network.Attach("r", (_, _) => received++).Subscribe("t");
        network.ScheduleFor("r", TimeSpan.FromSeconds(1), () => timerFired++);

        network.Crash("r");
        sender.Publish("t", [1]);
        network.RunFor(TimeSpan.FromSeconds(2));
        var restarted = network.Restart("r", (_, _) => received += 10);
        restarted.Subscribe("t");
        sender.Publish("t", [1]);
        network.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(0, timerFired);
        Assert.Equal(10, received);
        Assert.Equal("r", restarted.Id);
    }

    [Fact]
    public void VirtualTimers_FireAtVirtualTimes()
    {
        var network = new SimulatedNetwork(1);
        var fired = new List<DateTimeOffset>();
        var start = network.Now;

        using var timer = network.Time.CreateTimer(_ => fired.Add(network.Time.GetUtcNow()), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));
        network.RunFor(TimeSpan.FromSeconds(9));

        Assert.Equal([start.AddSeconds(2), start.AddSeconds(5), start.AddSeconds(8)], fired);
    }

    [Fact]
    public void OversizedPayload_IsRefused()
    {
        var network = new SimulatedNetwork(1, new SimulatedNetworkOptions { MaxPayloadBytes = 100 });
        var sender = network.Attach("s", (_, _) => { });

        Assert.Throws<ArgumentException>(() => sender.Publish("t", new byte[101]));
        Assert.Throws<ArgumentException>(() => sender.PutContent(new byte[101]));
    }

    [Fact]
    public void Content_IsAddressedByHash_AndUnavailableToACrashedNode()
    {
        var network = new SimulatedNetwork(1);
        var a = network.Attach("a", (_, _) => { });
        var b = network.Attach("b", (_, _) => { });

        string id = a.PutContent([1, 2, 3]);
        Assert.True(b.TryGetContent(id, out var content));
        Assert.Equal([1, 2, 3], content);
        Assert.Equal(id, a.PutContent([1, 2, 3]));

        network.Crash("b");
        Assert.False(b.TryGetContent(id, out _));
    }
}
