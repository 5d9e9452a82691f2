using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MQTTnet.Server;

namespace IplsBench.Agent;

/// <summary>One real agent process against a broker in this process: its memory, CPU and output while it scores and trains.</summary>
internal static class AgentBenchmark
{
    public const double RssTargetMb = 80;
    public const double CpuTargetPercent = 2;
    private const string Host = "127.0.0.1";
    private const string ScoreTopic = "v1/anomaly";
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    /// <exception cref="InvalidOperationException">The agent died, did not stop, or scored nothing.</exception>
    public static async Task<AgentFigures> RunAsync(TimeSpan measure, double rateHz, CancellationToken cancellationToken)
    {
        int port = LocalBroker.FreePort();
        using var broker = await LocalBroker.StartAsync(port).ConfigureAwait(false);
        var state = Directory.CreateTempSubdirectory("ipls-bench-agent-");
        try
        {
            // Subscribe before the agent starts so no score is missed.
            var scores = new ScoreCounter();
            await using (scores.ConfigureAwait(false))
            {
                await scores.StartAsync(Host, port, ScoreTopic, cancellationToken).ConfigureAwait(false);
                using var agent = new ChildProcess(AgentStart(port, rateHz, state.FullName));
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
                    throw new InvalidOperationException($"nothing was scored on {ScoreTopic}: {agent.Tail()}");
                }

                return new AgentFigures(Math.Round(rssPeakKb / 1024.0, 1), Math.Round(cpuPercent, 2), scored, ReadRounds(state.FullName), measure.TotalSeconds, rateHz);
            }
        }
        finally
        {
            await broker.StopAsync(new MqttServerStopOptions()).ConfigureAwait(false);
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

    private static ProcessStartInfo AgentStart(int port, double rateHz, string stateDirectory) => new("dotnet",
    [
        Path.Combine(AppContext.BaseDirectory, "ipls-agent.dll"), "run",
        "--set", "mqttBrokerip=" + Host,
        "--set", "mqttPort=" + port.ToString(CultureInfo.InvariantCulture),
        "--set", "fleetToken=bench-fleet-token-0123456789",
        "--set", "generator:enabled=true",
        "--set", "generator:rateHz=" + rateHz.ToString(CultureInfo.InvariantCulture),
        "--set", "stateDirectory=" + stateDirectory,
        "--set", "agentId=bench-agent",
        "--log-level", "Warning",
    ]);

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
