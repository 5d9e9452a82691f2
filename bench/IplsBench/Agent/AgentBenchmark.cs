using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MQTTnet.Server;

namespace IplsBench.Agent;

/// <summary>
/// One real agent process against a broker in this process: its memory, CPU and output while it scores
/// and trains. With the hub: the real dashboard (embedded broker, hub, history) with its demo fleet
/// (2 peers and a bootstrapper) as the agent's IPLS peers, the setup of a vehicle in a fleet.
/// </summary>
internal static class AgentBenchmark
{
    public const double RssTargetMb = 80;
    public const double CpuTargetPercent = 2;
    private const string Host = "127.0.0.1";
    private const string FleetToken = "bench-fleet-token-0123456789";
    private const int HubPeers = 2;
    private const int HubBootstrappers = 1;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    /// <exception cref="InvalidOperationException">The agent died, did not stop, or scored nothing.</exception>
    public static async Task<AgentFigures> RunAsync(TimeSpan measure, double rateHz, bool withHub, CancellationToken cancellationToken)
    {
        if (!withHub)
        {
            int port = LocalBroker.FreePort();
            using var broker = await LocalBroker.StartAsync(port).ConfigureAwait(false);
            try
            {
                return await MeasureAsync(measure, rateHz, port, null, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await broker.StopAsync(new MqttServerStopOptions()).ConfigureAwait(false);
            }
        }

        var dashboard = await BenchDashboard.StartAsync(
            cancellationToken,
            "--Dashboard:DemoFleet:Enabled=true",
            $"--Dashboard:DemoFleet:Peers={HubPeers}",
            $"--Dashboard:DemoFleet:Bootstrappers={HubBootstrappers}",
            "--Dashboard:DemoFleet:RateHz=4",
            $"--Dashboard:FleetToken={FleetToken}").ConfigureAwait(false);
        await using (dashboard.ConfigureAwait(false))
        {
            return await MeasureAsync(measure, rateHz, dashboard.Port, new Uri($"http://{Host}:{dashboard.HttpPort}/"), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<AgentFigures> MeasureAsync(TimeSpan measure, double rateHz, int port, Uri? hub, CancellationToken cancellationToken)
    {
        // With the hub the demo fleet holds vehicles 1..HubPeers: this agent is the next one.
        int vehicle = hub is null ? 1 : HubPeers + 1;
        string scoreTopic = $"v{vehicle}/anomaly";
        var state = Directory.CreateTempSubdirectory("ipls-bench-agent-");
        try
        {
            // Subscribe before the agent starts so no score is missed.
            var scores = new ScoreCounter();
            await using (scores.ConfigureAwait(false))
            {
                await scores.StartAsync(Host, port, scoreTopic, cancellationToken).ConfigureAwait(false);
                using var agent = new ChildProcess(AgentStart(port, rateHz, state.FullName, vehicle, hub));
                var (rssPeakKb, cpuPercent) = await SampleAsync(agent, measure, cancellationToken).ConfigureAwait(false);
                if (!await agent.TerminateAsync(StopTimeout, cancellationToken).ConfigureAwait(false))
                {
                    throw new InvalidOperationException($"the agent did not exit within {StopTimeout.TotalSeconds:F0} s of SIGTERM");
                }

                if (agent.ExitCode != 0)
                {
                    throw new InvalidOperationException($"the agent exited with code {agent.ExitCode} on SIGTERM: {agent.Tail()}");
                }

                long scored = scores.Valid;
                if (scored == 0)
                {
                    throw new InvalidOperationException($"nothing was scored on {scoreTopic}: {agent.Tail()}");
                }

                return new AgentFigures(
                    Math.Round(rssPeakKb / 1024.0, 1),
                    Math.Round(cpuPercent, 2),
                    scored,
                    ReadRounds(state.FullName),
                    measure.TotalSeconds,
                    rateHz,
                    hub is not null,
                    hub is null ? 0 : HubPeers + HubBootstrappers);
            }
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    /// <summary>Samples the whole run for the RSS peak; CPU only after the warm-up (start-up JIT is not steady state).</summary>
    private static async Task<(long RssPeakKb, double CpuPercent)> SampleAsync(ChildProcess agent, TimeSpan measure, CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        long rssPeak = 0;
        TimeSpan? cpuFrom = null;
        TimeSpan wallFrom = TimeSpan.Zero;
        TimeSpan cpuTo = TimeSpan.Zero;
        using var timer = new PeriodicTimer(SampleEvery);
        while (true)
        {
            await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
            long? rss = agent.ResidentKilobytes();
            if (agent.HasExited)
            {
                throw new InvalidOperationException($"the agent exited early (code {agent.ExitCode}): {agent.Tail()}");
            }

            rssPeak = Math.Max(rssPeak, rss ?? 0);
            var elapsed = wall.Elapsed;
            if (elapsed < WarmUp)
            {
                continue;
            }

            cpuTo = agent.CpuTime();
            if (cpuFrom is null)
            {
                (cpuFrom, wallFrom) = (cpuTo, elapsed);
            }
            else if (elapsed - wallFrom >= measure)
            {
                return (rssPeak, (cpuTo - cpuFrom.Value) / (elapsed - wallFrom) * 100);
            }
        }
    }

    private static ProcessStartInfo AgentStart(int port, double rateHz, string stateDirectory, int vehicle, Uri? hub) => new("dotnet",
    [
        AgentDll, "run",
        "--set", "mqttBrokerip=" + Host,
        "--set", "mqttPort=" + port.ToString(CultureInfo.InvariantCulture),
        "--set", "fleetToken=" + FleetToken,
        "--set", "vehicle=" + vehicle.ToString(CultureInfo.InvariantCulture),
        .. hub is null ? Array.Empty<string>() : ["--set", "dashboardUrl=" + hub, "--set", "fleetId=demo"],
        "--set", "generator:enabled=true",
        "--set", "generator:rateHz=" + rateHz.ToString(CultureInfo.InvariantCulture),
        "--set", "stateDirectory=" + stateDirectory,
        "--set", "agentId=bench-agent",
        "--log-level", "Warning",
    ]);

    /// <summary>
    /// The agent as built in its own project (same configuration): the copy in this output directory
    /// lacks the Microsoft.Extensions assemblies the benchmark takes from the ASP.NET framework, which
    /// the agent's runtimeconfig does not name (it exited at once with FileNotFoundException).
    /// </summary>
    private static string AgentDll
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            for (var dir = output; dir is not null; dir = dir.Parent)
            {
                string own = Path.Combine(dir.FullName, "IplsPeerAgent", "bin", output.Parent!.Name, output.Name, "ipls-agent.dll");
                if (File.Exists(Path.Combine(dir.FullName, "IplsWeb.sln")) && File.Exists(own))
                {
                    return own;
                }
            }

            return Path.Combine(AppContext.BaseDirectory, "ipls-agent.dll");
        }
    }

    /// <summary>Rounds completed, from the checkpoint the agent writes when it stops.</summary>
    private static int ReadRounds(string stateDirectory)
    {
        string path = Path.Combine(stateDirectory, "checkpoint.json");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"the agent wrote no {path} on stopping");
        }

        using var checkpoint = JsonDocument.Parse(File.ReadAllBytes(path));
        return checkpoint.RootElement.GetProperty("rounds").GetInt32();
    }
}
