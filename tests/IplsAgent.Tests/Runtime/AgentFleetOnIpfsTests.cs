using System.Diagnostics;
using System.Security.Cryptography;
using IplsAgent.Runtime;

namespace IplsAgent.Tests.Runtime;

/// <summary>
/// A fleet with <c>transport: ipfs</c> on real IPFS daemons (js-ipfs in CI, started by
/// <c>scripts/ipfs-dev.sh start 4</c>): a bootstrapper and three peers, one daemon each. They train,
/// a late joiner is synchronized by state transfer (the model as a block, by CID, through bitswap),
/// and the fleet goes on when one peer's daemon is restarted. Sensor data and scores stay on MQTT.
/// </summary>
[Trait("Category", "IpfsFleet")]
public sealed class AgentFleetOnIpfsTests : BrokerTestBase
{
    private static readonly string[] Apis = Split("IPLS_IPFS_APIS");
    private static readonly string[] Swarms = Split("IPLS_IPFS_SWARMS");

    private static string[] Split(string variable) =>
        (Environment.GetEnvironmentVariable(variable) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [IpfsFleetFact(4)]
    public async Task FourDaemons_TrainSynchronizeALateJoinerByCid_AndSurviveADaemonRestart()
    {
        Assert.True(Swarms.Length >= 4, "IPLS_IPFS_SWARMS must list the daemons' swarm addresses with /p2p/<id> (scripts/ipfs-dev.sh print-env)");
        string fleet = "ipfs-fleet-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        await using var boot = await StartAsync("boot", 99, 0, fleet, bootstrapper: true);
        await using var car1 = await StartAsync("car-1", 1, 1, fleet);
        await using var car2 = await StartAsync("car-2", 2, 2, fleet);

        await Eventually.TrueAsync(
            async () => await TrainedAsync(car1, 3, "boot", "car-2") && await TrainedAsync(car2, 3, "boot", "car-1"),
            "two peers train rounds together over IPFS pubsub and see each other and the bootstrapper",
            seconds: 120);
        var boot0 = await boot.Runtime.StatusAsync(CancellationToken.None);
        Assert.StartsWith("ipfs: ", boot0.IplsNetwork, StringComparison.Ordinal);

        // The late joiner: its model must come from the fleet through a state offer and a block fetched by CID.
        await using var car3 = await StartAsync("car-3", 3, 3, fleet);
        await Eventually.TrueAsync(
            async () => (await car3.Runtime.StatusAsync(CancellationToken.None)).Synchronized,
            "the late joiner is synchronized",
            seconds: 60);
        var how = Logged(car3, "synchronized:");
        Assert.True(how.Any(m => m.Contains("state transfer", StringComparison.Ordinal)), "the late joiner did not synchronize by state transfer: " + string.Join(" | ", how));
        var joined = await car3.Runtime.StatusAsync(CancellationToken.None);
        Assert.Contains(joined.Partitions, p => p.Version > 0);

        // One daemon restarts (the process ends, its streams break): car-1 must resubscribe and go on.
        int before = (await car1.Runtime.StatusAsync(CancellationToken.None)).RoundsDone;
        await RestartDaemonAsync(1);
        await Eventually.TrueAsync(
            async () => await TrainedAsync(car1, before + 2, "boot", "car-2", "car-3"),
            "after its daemon restarted, car-1 trains further rounds with the fleet",
            seconds: 120);
        await Eventually.TrueAsync(
            async () => (await car2.Runtime.StatusAsync(CancellationToken.None)).Peers.Any(p => p.Id == "car-1" && p.SecondsSinceHeard < 10),
            "the others hear car-1 again",
            seconds: 60);

        foreach (var agent in new[] { boot, car1, car2, car3 })
        {
            var status = await agent.Runtime.StatusAsync(CancellationToken.None);
            Assert.DoesNotContain(status.Rejected.Keys, k => k.StartsWith("malformed", StringComparison.Ordinal) || k.StartsWith("content", StringComparison.Ordinal));
        }
    }

    private static async Task<bool> TrainedAsync(AgentSupervisor agent, int rounds, params string[] peers)
    {
        var status = await agent.Runtime.StatusAsync(CancellationToken.None);
        return status is { Synchronized: true } && status.RoundsDone >= rounds && peers.All(id => status.Peers.Any(p => p.Id == id));
    }

    private static List<string> Logged(AgentSupervisor agent, string fragment) =>
        [.. agent.Logs.Since(0, 500).Lines.Select(l => l.Message).Where(m => m.Contains(fragment, StringComparison.Ordinal))];

    private Task<AgentSupervisor> StartAsync(string id, int vehicle, int daemon, string fleet, bool bootstrapper = false)
    {
        var config = new Dictionary<string, object>
        {
            ["agentId"] = id,
            ["vehicle"] = vehicle,
            ["fleetId"] = fleet,
            ["transport"] = "ipfs",
            ["ipfsAddress"] = Apis[daemon],
        };
        if (bootstrapper)
        {
            config["role"] = "bootstrapper";
        }
        else
        {
            config["ipfsBootstrapperAddresses"] = new[] { Swarms[0] };
            config["generator"] = new Dictionary<string, object> { ["enabled"] = true, ["rateHz"] = 40 };
        }

        return TestAgents.StartAsync(Port, Dir.File("state-" + id), config);
    }

    /// <summary>Restarts daemon <paramref name="index"/> through the script that started it (it owns the PIDs).</summary>
    private static async Task RestartDaemonAsync(int index)
    {
        string script = Environment.GetEnvironmentVariable("IPLS_IPFS_DEV") ?? string.Empty;
        string state = Environment.GetEnvironmentVariable("IPLS_IPFS_STATE") ?? string.Empty;
        Assert.True(File.Exists(script) && Directory.Exists(state), "IPLS_IPFS_DEV and IPLS_IPFS_STATE must name scripts/ipfs-dev.sh and its state dir (scripts/ipfs-dev.sh print-env)");
        var start = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "restart", index.ToString(System.Globalization.CultureInfo.InvariantCulture), "--state", state })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"ipfs-dev.sh restart {index} failed: {await output} {await error}");
    }
}
