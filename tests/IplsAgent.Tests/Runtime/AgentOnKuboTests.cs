using IplsCore.Tests.Transport.Kubo;

namespace IplsAgent.Tests.Runtime;

/// <summary>
/// Agents with <c>transport: ipfs</c>: IPLS through their own (fake) Kubo daemons, linked by the
/// bootstrapper address in the config; sensor data and scores still on the MQTT broker.
/// </summary>
public sealed class AgentOnKuboTests : BrokerTestBase
{
    private readonly FakeKuboNetwork _kubo = new();

    public override async Task DisposeAsync()
    {
        await _kubo.StopAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task APeerAndABootstrapperOverKubo_ShareTheModelByCid_WhileScoresStayOnMqtt()
    {
        var bootDaemon = await _kubo.StartDaemonAsync();
        var peerDaemon = await _kubo.StartDaemonAsync();
        await using var boot = await TestAgents.StartAsync(Port, Dir.File("state-boot"), new Dictionary<string, object>
        {
            ["agentId"] = "boot",
            ["vehicle"] = 99,
            ["role"] = "bootstrapper",
            ["transport"] = "ipfs",
            ["ipfsAddress"] = bootDaemon.ApiMultiaddr,
        });
        await using var peer = await TestAgents.StartAsync(Port, Dir.File("state-1"), new Dictionary<string, object>
        {
            ["agentId"] = "car-1",
            ["vehicle"] = 1,
            ["transport"] = "ipfs",
            ["ipfsAddress"] = peerDaemon.ApiMultiaddr,
            ["ipfsBootstrapperAddresses"] = new[] { bootDaemon.SwarmAddress },
            ["ipfsBootstrapperIds"] = new[] { bootDaemon.PeerId },
            ["generator"] = new Dictionary<string, object> { ["enabled"] = true, ["rateHz"] = 40 },
        });

        await Eventually.TrueAsync(
            async () => (await peer.Runtime.StatusAsync(CancellationToken.None)) is { Synchronized: true, SamplesScored: > 20, RoundsDone: > 2 } status && status.Peers.Any(p => p.Id == "boot"),
            "the peer trains rounds, sees the bootstrapper and scores its sensor data",
            seconds: 60);

        // A late joiner on its own daemon gets the trained model as a block, by CID, through the daemons
        // (a fleet still at version 0 has nothing to transfer, so the joiner comes once rounds are done).
        var lateDaemon = await _kubo.StartDaemonAsync();
        await using var late = await TestAgents.StartAsync(Port, Dir.File("state-2"), new Dictionary<string, object>
        {
            ["agentId"] = "car-2",
            ["vehicle"] = 2,
            ["transport"] = "ipfs",
            ["ipfsAddress"] = lateDaemon.ApiMultiaddr,
            ["ipfsBootstrapperAddresses"] = new[] { bootDaemon.SwarmAddress },
            ["ipfsBootstrapperIds"] = new[] { bootDaemon.PeerId },
        });
        await Eventually.TrueAsync(
            async () => (await late.Runtime.StatusAsync(CancellationToken.None)).Synchronized && lateDaemon.RequestsTo("block/get").Any(r => r.Query.StartsWith("?arg=bafkrei", StringComparison.Ordinal)),
            "the late joiner fetched the model by CID and is synchronized",
            seconds: 60);
        Assert.True(bootDaemon.RequestsTo("block/put").Count + peerDaemon.RequestsTo("block/put").Count > 0, "nobody put a model snapshot");

        Assert.Contains(_kubo.ConnectedTo(peerDaemon), d => d == bootDaemon);
        Assert.Contains(bootDaemon.PeerMultiaddr, peerDaemon.BootstrapList);
        Assert.Contains(peerDaemon.RequestsTo("pubsub/sub"), r => r.Query == "?arg=" + KuboFixtures.Multibase("ipls/agent-tests/control"));
        Assert.NotEmpty(peerDaemon.RequestsTo("pubsub/pub"));
        var status = await peer.Runtime.StatusAsync(CancellationToken.None);
        Assert.DoesNotContain(status.Rejected.Keys, k => k.StartsWith("malformed", StringComparison.Ordinal) || k.StartsWith("content", StringComparison.Ordinal));
    }
}
