using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using IplsCore.Persistence;
using IplsCore.Training;
using Spectre.Console;

namespace IplsBench.Federation;

/// <summary><c>federation</c>: the reference demo, fault scenarios and traffic scale, on the simulated network.</summary>
internal static class FederationCommand
{
    public static Command Create()
    {
        var peers = new Option<int>("--peers") { Description = "Vehicles in the fleet.", DefaultValueFactory = _ => 4 };
        var partitions = new Option<int>("--partitions") { Description = "IPLS partitions P.", DefaultValueFactory = _ => 8 };
        var seed = new Option<int>("--seed") { Description = "Seed of the whole run (data, network faults).", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of tables." };
        var runs = new Option<int?>("--runs") { Description = "Repeat the demo with this many consecutive seeds and report means (default 8, or 2 above 16 peers)." };
        var modesOption = new Option<string[]>("--modes") { Description = "Modes to run (isolated, local, fleet, ipls, centralized); default all.", AllowMultipleArgumentsPerToken = true };
        modesOption.AcceptOnlyFromAmong(ModeNames);
        var demoOnly = new Option<bool>("--demo-only") { Description = "Run the demo only (no fault and scale scenarios)." };
        var noveltyPower = new Option<double?>("--novelty-power") { Description = "noveltyWeightPower of the ipls and centralized modes (default: the agent's)." };
        var noveltyCap = new Option<double?>("--novelty-cap") { Description = "noveltyWeightCap of the ipls and centralized modes (default: the agent's)." };
        var noveltyScale = new Option<double?>("--novelty-scale") { Description = "noveltyScale of the ipls and centralized modes (default: the agent's, half the threshold)." };
        var trainAbove = new Option<double?>("--personal-train-above") { Description = "personalTrainAbove of the ipls and centralized modes (default: the agent's)." };
        var step = new Option<double?>("--aggregation-step") { Description = "aggregationStep (server learning rate) of the ipls and centralized modes (default: the agent's)." };
        var momentum = new Option<double?>("--server-momentum") { Description = "serverMomentum of the ipls and centralized modes (default: the agent's)." };
        var share = new Option<bool?>("--share-while-learning") { Description = "shareWhileLearning of the ipls and centralized modes (default: the agent's)." };
        var model = new Option<string?>("--model") { Description = "Initial model (.iplsm with scaler); default: the agents' default model." };
        var command = new Command("federation", "Simulate a fleet in virtual time: isolated vs IPLS vs centralized learning, faults (crash, join, loss, split) and traffic scale.")
        {
            peers, partitions, seed, runs, modesOption, demoOnly, noveltyPower, noveltyCap, noveltyScale, trainAbove, step, momentum, share, json, model,
        };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(peers);
            int p = parse.GetValue(partitions);
            int r = parse.GetValue(runs) ?? (n <= 16 ? 8 : 2);
            if (n < 2 || p < 1 || r < 1)
            {
                Console.Error.WriteLine("error: --peers must be at least 2, --partitions and --runs at least 1");
                return 2;
            }

            var stored = ModelFile.ReadFile(parse.GetValue(model) ?? Path.Combine(AppContext.BaseDirectory, "default.iplsm"));
            if (stored.Scaler is null)
            {
                Console.Error.WriteLine("error: the model file holds no scaler");
                return 2;
            }

            var defaults = new LearningOptions();
            var method = defaults with
            {
                NoveltyWeightPower = parse.GetValue(noveltyPower) ?? defaults.NoveltyWeightPower,
                NoveltyWeightCap = parse.GetValue(noveltyCap) ?? defaults.NoveltyWeightCap,
                NoveltyScale = parse.GetValue(noveltyScale) ?? defaults.NoveltyScale,
                PersonalTrainAbove = parse.GetValue(trainAbove) ?? defaults.PersonalTrainAbove,
                ShareWhileLearning = parse.GetValue(share) ?? defaults.ShareWhileLearning,
            };
            var ipls = new IplsCore.Ipls.IplsOptions();
            var aggregation = ipls with
            {
                AggregationStep = parse.GetValue(step) ?? ipls.AggregationStep,
                ServerMomentum = parse.GetValue(momentum) ?? ipls.ServerMomentum,
            };
            try
            {
                aggregation.Validate(stored.Network.ParameterCount);
                method.Validate();
            }
            catch (IplsCore.Configuration.ConfigurationException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return 2;
            }

            var selected = parse.GetValue(modesOption) is { Length: > 0 } chosen ? chosen : ModeNames;
            int firstSeed = parse.GetValue(seed);
            var watch = Stopwatch.StartNew();
            var modes = new Dictionary<string, ModeResult>();
            foreach (string name in ModeNames.Where(selected.Contains))
            {
                var (sharing, learning) = Mode(name, method);
                var modeAggregation = learning == method ? aggregation : ipls;
                modes[name] = new FederationScenarios(n, p, firstSeed, stored.Network, stored.Scaler!, learning, modeAggregation).Demo(sharing, r);
            }

            var scenarios = new FederationScenarios(n, p, firstSeed, stored.Network, stored.Scaler!, method, aggregation);
            bool all = !parse.GetValue(demoOnly);
            var results = new FederationResults(modes, all ? scenarios.Faults(r) : null, all ? scenarios.Scale() : null);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(results, BenchJsonContext.Default.FederationResults));
            }
            else
            {
                Print(results, n, p, watch.Elapsed);
            }

            return 0;
        });
        return command;
    }

    private static readonly string[] ModeNames = ["isolated", "local", "fleet", "ipls", "centralized"];

    /// <summary>
    /// isolated: no sharing, each vehicle scores with its own model; local and fleet: IPLS with the
    /// earlier scoring choices and plain sample weights; ipls: IPLS with the agent's default method
    /// (<paramref name="method"/>); centralized: the ideal aggregator with the same method.
    /// </summary>
    private static (SharingMode Sharing, LearningOptions Learning) Mode(string name, LearningOptions method) => name switch
    {
        "isolated" => (SharingMode.Isolated, LearningOptions.Plain(ScoreWith.Fleet)),
        "local" => (SharingMode.Ipls, LearningOptions.Plain(ScoreWith.Local)),
        "fleet" => (SharingMode.Ipls, LearningOptions.Plain(ScoreWith.Fleet)),
        "ipls" => (SharingMode.Ipls, method),
        "centralized" => (SharingMode.Centralized, method),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown mode"),
    };

    /// <summary>A single run's range beside the mean, when there was more than one run.</summary>
    private static string Range(FigureRange? range, string format) =>
        range is null || range.Min == range.Max ? "" : $" [grey]({range.Min.ToString(format, CultureInfo.InvariantCulture)}–{range.Max.ToString(format, CultureInfo.InvariantCulture)})[/]";

    private static void Print(FederationResults r, int peers, int partitions, TimeSpan wall)
    {
        var modes = new Table().Title($"reference demo, {peers} vehicles, P = {partitions}, mean of runs (scores smoothed over 3 s; bystanders over 10 min)")
            .AddColumns("mode", "v1 peak", "v1 recover (s)", "v2 peak", "v2 recover (s)", "v2/v1 peak", "bystander ratio", "false alarms", "runs meeting all goals");
        foreach (var (name, m) in r.Modes)
        {
            var spread = m.Spread;
            modes.AddRow(
                name,
                $"{m.V1Peak:F3}",
                $"{m.V1RecoverSeconds:F0}{Range(spread?.V1RecoverSeconds, "F0")}",
                $"{m.V2Peak:F3}",
                $"{m.V2RecoverSeconds:F0}",
                $"{m.V2ToV1Peak:F2}{Range(spread?.V2ToV1Peak, "F2")}",
                $"{m.BystanderScoreRatio:F2}{Range(spread?.BystanderScoreRatio, "F2")}",
                $"{m.NormalFalseAlarms:F1}",
                spread is null ? "" : $"{spread.RunsMeetingAllGoals} of {spread.Runs}");
        }

        AnsiConsole.Write(modes);
        AnsiConsole.MarkupLine($"[grey]wall time {wall.TotalSeconds:F0} s[/]");
        if (r.Faults is null || r.Scale is null)
        {
            return;
        }

        var faults = new Table().Title("faults (ipls)").AddColumns("scenario", "figure");
        faults.AddRow("crash: longest gap between rounds on survivors (s)", $"{r.Faults.CrashMaxRoundGapSeconds:F2}");
        faults.AddRow("crash: longest gap between fleet updates on survivors (s)", $"{r.Faults.CrashMaxUpdateGapSeconds:F2}");
        faults.AddRow("join: survivors' max score, minute after / minute before", $"{r.Faults.JoinScoreRatio:F3}");
        faults.AddRow("join: survivors' max score, minute after / same minute without the join", $"{r.Faults.JoinVsNoJoinRatio:F3}");
        faults.AddRow("10% loss: v2 recovery (s)", $"{r.Faults.Loss10V2RecoverSeconds:F0}");
        faults.AddRow("30 s split: time to one model after heal (s)", $"{r.Faults.SplitHealRecoverSeconds:F2}");
        AnsiConsole.Write(faults);
        var scale = new Table().Title("traffic per peer per round (ipls)").AddColumns("peers", "partitions", "bytes sent", "bytes received", "wall (s)");
        foreach (var point in r.Scale.Points)
        {
            scale.AddRow($"{point.Peers}", $"{point.Partitions}", $"{point.BytesSentPerPeerPerRound:N0}", $"{point.BytesReceivedPerPeerPerRound:N0}", $"{point.WallSeconds:F1}");
        }

        AnsiConsole.Write(scale);
    }
}
