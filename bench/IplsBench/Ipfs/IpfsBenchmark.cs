using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IplsBench.Agent;
using IplsCore.Configuration;
using IplsCore.Transport.Kubo;
using IplsAgent.Runtime;

namespace IplsBench.Ipfs;

/// <summary>
/// A fleet of real agents with <c>transport: ipfs</c> on running IPFS daemons, one each: daemon 0
/// carries the bootstrapper, the last one a late joiner, those between the training peers. Sensor
/// data and scores go over an in-process MQTT broker, as in the tests.
/// </summary>
internal sealed class IpfsBenchmark(IReadOnlyList<Uri> apis, TimeSpan measure, string? restartCommand, Action<string> progress)
{
    private readonly string _fleet = "bench-ipfs-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<AgentSupervisor> _agents = [];

    public async Task<IpfsFigures> RunAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var daemon = await KuboTransport.ProbeAsync(new KuboTransportOptions { ApiUri = apis[0] }, cancellationToken).ConfigureAwait(false);
        string bootstrapper = await SwarmAddressAsync(http, apis[0], cancellationToken).ConfigureAwait(false);
        int mqttPort = LocalBroker.FreePort();
        var broker = await LocalBroker.StartAsync(mqttPort).ConfigureAwait(false);
        string state = Directory.CreateTempSubdirectory("ipls-bench-ipfs-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            _agents.Add(await StartAgentAsync("boot", 99, apis[0], bootstrapper, mqttPort, state, isBootstrapper: true).ConfigureAwait(false));
            var peers = new List<AgentSupervisor>();
            for (int i = 1; i < apis.Count - 1; i++)
            {
                var peer = await StartAgentAsync($"car-{i}", i, apis[i], bootstrapper, mqttPort, state).ConfigureAwait(false);
                peers.Add(peer);
                _agents.Add(peer);
            }

            progress($"{peers.Count} peers and a bootstrapper started on {daemon.Describe()}; waiting for rounds");
            await UntilAsync(async () => (await Task.WhenAll(peers.Select(p => p.Runtime.StatusAsync(cancellationToken))).ConfigureAwait(false)).All(s => s.Synchronized && s.RoundsDone >= 1), TimeSpan.FromMinutes(3), cancellationToken).ConfigureAwait(false);
            double firstRounds = clock.Elapsed.TotalSeconds;

            progress($"measuring {measure.TotalSeconds:0} s");
            var rounds0 = await RoundsAsync(peers, cancellationToken).ConfigureAwait(false);
            var traffic0 = await TrafficAsync(http, cancellationToken).ConfigureAwait(false);
            var window = Stopwatch.StartNew();
            await Task.Delay(measure, cancellationToken).ConfigureAwait(false);
            var rounds1 = await RoundsAsync(peers, cancellationToken).ConfigureAwait(false);
            var traffic1 = await TrafficAsync(http, cancellationToken).ConfigureAwait(false);
            double minutes = window.Elapsed.TotalMinutes;
            var deltas = rounds1.Zip(rounds0, (a, b) => a - b).ToList();
            double roundsPerMinute = deltas.Average() / minutes;
            double? sentPerRound = null, receivedPerRound = null;
            string source = "none: the daemon reports no libp2p byte counters";
            if (traffic0.All(t => t is not null) && traffic1.All(t => t is not null) && deltas.All(d => d > 0))
            {
                // Peer daemons only (1..n-2): what one training peer's daemon moves per round it did.
                sentPerRound = Enumerable.Range(0, peers.Count).Average(i => (double)(traffic1[i + 1]!.Value.Sent - traffic0[i + 1]!.Value.Sent) / deltas[i]);
                receivedPerRound = Enumerable.Range(0, peers.Count).Average(i => (double)(traffic1[i + 1]!.Value.Received - traffic0[i + 1]!.Value.Received) / deltas[i]);
                source = traffic1[1]!.Value.Source;
            }

            progress("late joiner");
            var join = Stopwatch.StartNew();
            var joiner = await StartAgentAsync($"car-{apis.Count - 1}", apis.Count - 1, apis[^1], bootstrapper, mqttPort, state).ConfigureAwait(false);
            _agents.Add(joiner);
            bool synchronized = await UntilAsync(async () => (await joiner.Runtime.StatusAsync(cancellationToken).ConfigureAwait(false)).Synchronized, TimeSpan.FromMinutes(2), cancellationToken, TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
            double? joinSeconds = synchronized ? join.Elapsed.TotalSeconds : null;
            string how = joiner.Logs.Since(0, 500).Lines.Select(l => l.Message).FirstOrDefault(m => m.Contains("synchronized:", StringComparison.Ordinal)) is { } line
                ? line[(line.IndexOf("synchronized:", StringComparison.Ordinal) + "synchronized:".Length)..].Trim()
                : "not synchronized";

            IpfsRestartFigures? restart = null;
            if (restartCommand is not null)
            {
                progress("restarting daemon 1: " + restartCommand);
                restart = await RestartAsync(peers, cancellationToken).ConfigureAwait(false);
            }

            return new IpfsFigures(daemon.Describe(), apis.Count, Math.Round(window.Elapsed.TotalSeconds, 1), Math.Round(firstRounds, 1), Math.Round(roundsPerMinute, 2), source, Round(sentPerRound), Round(receivedPerRound), Round(joinSeconds, 2), how, restart);
        }
        finally
        {
            foreach (var agent in Enumerable.Reverse(_agents))
            {
                await agent.DisposeAsync().ConfigureAwait(false);
            }

            await broker.StopAsync(new MQTTnet.Server.MqttServerStopOptions()).ConfigureAwait(false);
            broker.Dispose();
            Directory.Delete(state, recursive: true);
        }
    }

    private static double? Round(double? value, int digits = 0) => value is { } v ? Math.Round(v, digits) : null;

    private async Task<IpfsRestartFigures> RestartAsync(List<AgentSupervisor> peers, CancellationToken cancellationToken)
    {
        var restarted = peers[0];
        var others = peers.Skip(1).ToList();
        int before = (await restarted.Runtime.StatusAsync(cancellationToken).ConfigureAwait(false)).RoundsDone;
        var othersBefore = await RoundsAsync(others, cancellationToken).ConfigureAwait(false);
        var command = Stopwatch.StartNew();
        using (var process = Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", restartCommand! }, RedirectStandardOutput = true })!)
        {
            await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"restart command exited with {process.ExitCode}");
            }
        }

        double commandSeconds = command.Elapsed.TotalSeconds;
        var othersAfter = await RoundsAsync(others, cancellationToken).ConfigureAwait(false);
        var after = Stopwatch.StartNew();
        double? nextRound = await UntilAsync(async () => (await restarted.Runtime.StatusAsync(cancellationToken).ConfigureAwait(false)).RoundsDone > before, TimeSpan.FromMinutes(2), cancellationToken, TimeSpan.FromMilliseconds(100)).ConfigureAwait(false)
            ? after.Elapsed.TotalSeconds : null;
        string id = "car-1";
        double? heard = await UntilAsync(async () => (await Task.WhenAll(others.Select(o => o.Runtime.StatusAsync(cancellationToken))).ConfigureAwait(false)).All(s => s.Peers.Any(p => p.Id == id && p.SecondsSinceHeard < 1)), TimeSpan.FromMinutes(2), cancellationToken, TimeSpan.FromMilliseconds(100)).ConfigureAwait(false)
            ? after.Elapsed.TotalSeconds : null;
        return new IpfsRestartFigures(Math.Round(commandSeconds, 1), Round(nextRound, 1), Round(heard, 1), othersAfter.Zip(othersBefore, (a, b) => a - b).Sum());
    }

    private static async Task<List<int>> RoundsAsync(IEnumerable<AgentSupervisor> agents, CancellationToken cancellationToken) =>
        [.. (await Task.WhenAll(agents.Select(a => a.Runtime.StatusAsync(cancellationToken))).ConfigureAwait(false)).Select(s => s.RoundsDone)];

    private async Task<List<(long Sent, long Received, string Source)?>> TrafficAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var all = new List<(long, long, string)?>();
        foreach (var api in apis)
        {
            all.Add(await DaemonTraffic.ReadAsync(http, api, cancellationToken).ConfigureAwait(false));
        }

        return all;
    }

    private static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan cap, CancellationToken cancellationToken, TimeSpan? poll = null)
    {
        var end = Stopwatch.StartNew();
        while (end.Elapsed < cap)
        {
            if (await condition().ConfigureAwait(false))
            {
                return true;
            }

            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>The daemon's own swarm address with <c>/p2p/&lt;id&gt;</c> (its first one), for the others to dial.</summary>
    private static async Task<string> SwarmAddressAsync(HttpClient http, Uri api, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(new Uri(api, "api/v0/id"), null, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        return doc.RootElement.GetProperty("Addresses").EnumerateArray().Select(a => a.GetString()!)
            .FirstOrDefault(a => a.Contains("/tcp/", StringComparison.Ordinal) && a.Contains("/p2p/", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{api}: id lists no TCP address with /p2p/");
    }

    private Task<AgentSupervisor> StartAgentAsync(string id, int vehicle, Uri api, string bootstrapper, int mqttPort, string state, bool isBootstrapper = false)
    {
        var config = new JsonObject
        {
            ["agentId"] = id,
            ["vehicle"] = vehicle,
            ["fleetId"] = _fleet,
            ["mqttBrokerip"] = "127.0.0.1",
            ["mqttPort"] = mqttPort,
            ["fleetToken"] = "ipls-bench-ipfs-fleet-token-0123",
            ["stateDirectory"] = Path.Combine(state, id),
            ["transport"] = "ipfs",
            ["ipfsAddress"] = $"/ip4/{api.Host}/tcp/{api.Port}",
        };
        if (isBootstrapper)
        {
            config["role"] = "bootstrapper";
        }
        else
        {
            config["ipfsBootstrapperAddresses"] = new JsonArray(bootstrapper);
            config["generator"] = new JsonObject { ["enabled"] = true, ["rateHz"] = 40 };
        }

        var source = new AgentConfigSource();
        var load = source.Load(Encoding.UTF8.GetBytes(config.ToJsonString()), "bench config");
        if (!load.IsValid)
        {
            throw new InvalidOperationException("bench agent config: " + string.Join("; ", load.Errors));
        }

        return AgentSupervisor.StartAsync(source, load, new AgentRuntimeOptions());
    }
}
