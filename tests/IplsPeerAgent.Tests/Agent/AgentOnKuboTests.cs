using IplsCore.Tests.Transport.Kubo;

namespace IplsPeerAgent.Tests.Agent;

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
            async () => (await peer.Runtime.StatusAsync(CancellationToken.None)) is { Synchronized: true, SamplesScored: > 20 } status && status.Peers.Any(p => p.Id == "boot"),
            "the peer holds the fleet model, sees the bootstrapper and scores its sensor data",
            seconds: 60);

        // The model came from the bootstrapper as a block, by CID, through the two daemons.
        Assert.NotEmpty(bootDaemon.RequestsTo("block/put"));
        Assert.Contains(peerDaemon.RequestsTo("block/get"), r => r.Query.StartsWith("?arg=bafkrei", StringComparison.Ordinal));
        Assert.Contains(_kubo.ConnectedTo(peerDaemon), d => d == bootDaemon);
        Assert.Contains(bootDaemon.PeerMultiaddr, peerDaemon.BootstrapList);
        Assert.Contains(peerDaemon.RequestsTo("pubsub/sub"), r => r.Query == "?arg=" + KuboFixtures.Multibase("ipls/agent-tests/control"));
        Assert.NotEmpty(peerDaemon.RequestsTo("pubsub/pub"));
        var status = await peer.Runtime.StatusAsync(CancellationToken.None);
        Assert.DoesNotContain(status.Rejected.Keys, k => k.StartsWith("malformed", StringComparison.Ordinal) || k.StartsWith("content", StringComparison.Ordinal));
    }
}
