using System.Diagnostics;
using IplsCore.Data;
using IplsCore.Engine;
using IplsCore.Ipls;
using IplsCore.Scaling;
using IplsCore.Training;
using IplsCore.Transport.Simulation;

namespace IplsBench.Federation;

/// <summary>The reference demo and the fault and scale scenarios, all in virtual time.</summary>
internal sealed class FederationScenarios(int peers, int partitions, int seed, DenseNetwork initial, MinMaxScaler scaler, LearningOptions learning, IplsOptions aggregation)
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromMinutes(2);

    /// <summary>Bystanders' baseline: their raw scores over the last minute before vehicle 1 switches.</summary>
    private static readonly TimeSpan Baseline = TimeSpan.FromMinutes(1);

    /// <summary>Bystanders are watched for this long from vehicle 1's switch (the demo runs at least this long).</summary>
    private static readonly TimeSpan Observation = TimeSpan.FromMinutes(10);
    // A vehicle that has not recovered after this long is reported with this recovery time: in large
    // fleets, the normal vehicles can keep vehicle 1's share of the fleet model from ever moving enough.
    private readonly TimeSpan _phaseCap = TimeSpan.FromMinutes(peers <= 16 ? 30 : 10);

    /// <summary>If a switched vehicle never crosses the threshold within this time, its phase ends.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The demo repeated with <paramref name="runs"/> consecutive seeds; each figure is the mean over runs (single runs are noisy), with their spread.</summary>
    public ModeResult Demo(SharingMode mode, int runs, SimulatedNetworkOptions? network = null)
    {
        var results = new List<ModeResult>();
        for (int run = 0; run < runs; run++)
        {
            results.Add(new FederationScenarios(peers, partitions, seed + run, initial, scaler, learning, aggregation).Demo(mode, network));
        }

        return new ModeResult(
            results.Average(r => r.V1Peak),
            results.Average(r => r.V1RecoverSeconds),
            results.Average(r => r.V2Peak),
            results.Average(r => r.V2RecoverSeconds),
            results.Average(r => r.V2ToV1Peak),
            results.Average(r => r.BystanderScoreRatio),
            results.Average(r => r.NormalFalseAlarms),
            results.Average(r => r.V2FleetAnomalyScoreAtSwitch),
            results.Average(r => r.V1OwnAnomalyScoreAtV2Switch))
        {
            Spread = ModeSpread.Of(results),
        };
    }

    /// <summary>
    /// The reference demo: after warm-up vehicle 1 switches to anomaly data until it is back under the
    /// threshold, then vehicle 2; vehicles 3..N stay normal (bystanders) and are watched for
    /// <see cref="Observation"/> from vehicle 1's switch against their own baseline minute before it.
    /// </summary>
    public ModeResult Demo(SharingMode mode, SimulatedNetworkOptions? network = null)
    {
        var fleet = NewFleet(mode, peers, network);
        var baselineFrom = fleet.Now + WarmUp - Baseline;
        var switchAt = fleet.Now + WarmUp;
        var bystanders = fleet.Vehicles.Skip(2)
            .Select(v => (Baseline: v.Scores.Tally(new ScoreTally(baselineFrom, switchAt)), During: v.Scores.Tally(new ScoreTally(switchAt, switchAt + Observation))))
            .ToList();
        fleet.Run(WarmUp);
        var (v1Peak, v1Recover) = SwitchAndWatch(fleet, fleet[0]);

        // Where the learning went when vehicle 2 switches: how well the model vehicle 2 scores with
        // from the fleet, and vehicle 1's own (personal, else fleet) model, explain the new data.
        double v2Fleet = MeanAnomalyScore(fleet[1].FleetScoring);
        double v1Own = MeanAnomalyScore(fleet[0].PersonalScoring is { } own && MeanAnomalyScore(own) < MeanAnomalyScore(fleet[0].FleetScoring) ? own : fleet[0].FleetScoring);
        var (v2Peak, v2Recover) = SwitchAndWatch(fleet, fleet[1]);
        if (fleet.Now < switchAt + Observation)
        {
            fleet.Run(switchAt + Observation - fleet.Now);
        }

        double ratio = bystanders.Count == 0 ? 0 : bystanders.Max(b => b.Baseline.Mean > 0 ? b.During.Mean / b.Baseline.Mean : 0);
        int falseAlarms = bystanders.Sum(b => b.During.AboveThreshold);
        return new ModeResult(v1Peak, v1Recover, v2Peak, v2Recover, v1Peak > 0 ? v2Peak / v1Peak : 0, ratio, falseAlarms, v2Fleet, v1Own);
    }

    private static readonly float[] AnomalyProbe = SyntheticVehicleData.Generate(GeneratorMode.Anomaly, 400, 424_242);

    /// <summary>Mean score of a fixed set of 400 anomaly-mode samples under <paramref name="model"/>.</summary>
    private static double MeanAnomalyScore(ScoringModel model)
    {
        var scores = new float[AnomalyProbe.Length / model.Shape.InputSize];
        new AnomalyScorer(model, maxBatch: scores.Length).Score(AnomalyProbe, scores);
        return scores.Average();
    }

    public FaultResults Faults(int runs)
    {
        // A peer crashes: how long do survivors go without a round, and without a fleet update?
        var crash = NewFleet(SharingMode.Ipls, peers);
        crash.Run(WarmUp);
        var victim = crash[peers - 1];
        FederationFleet.Crash(victim);
        var updateGap = WatchUpdateGap(crash, TimeSpan.FromMinutes(2));
        double roundGap = crash.Vehicles.Where(v => v != victim).Max(v => v.LongestRoundGap.TotalSeconds);

        // A peer joins: survivors' worst smoothed score in the minute after vs the minute before, and
        // vs the same minute of an identical run without the join (scores drift by themselves, so
        // only the counterfactual isolates what the join did).
        var (before, after) = JoinRun(peers, join: true);
        var (_, control) = JoinRun(peers, join: false);

        // 10 % message loss: vehicle 2's recovery in the demo.
        var lossy = Demo(SharingMode.Ipls, runs, new SimulatedNetworkOptions { LossRate = 0.1 });

        // A 30 s split between halves of the fleet, then heal: time until all hold the same model again.
        var split = NewFleet(SharingMode.Ipls, peers);
        split.Run(WarmUp);
        var ids = split.Vehicles.Select(v => v.Id).ToArray();
        split.Network.Split(ids.Take(ids.Length / 2), ids.Skip(ids.Length / 2));
        split.Run(TimeSpan.FromSeconds(30));
        split.Network.Heal();
        var healedAt = split.Now;
        split.RunUntil(split.Converged, TimeSpan.FromMinutes(5));
        double healSeconds = (split.Now - healedAt).TotalSeconds;

        return new FaultResults(roundGap, updateGap, before > 0 ? after / before : 0, control > 0 ? after / control : 0, lossy.V2RecoverSeconds, healSeconds);
    }

    public ScaleResults Scale()
    {
        var points = new List<ScalePoint>();
        var sizes = peers >= 16 ? new[] { Math.Max(4, peers / 4), peers } : new[] { peers, peers * 4 };
        foreach (int n in sizes)
        {
            foreach (int p in new[] { partitions, partitions * 4 })
            {
                points.Add(MeasureTraffic(n, p));
            }
        }

        return new ScaleResults(points);
    }

    private ScalePoint MeasureTraffic(int n, int p)
    {
        var watch = Stopwatch.StartNew();
        var fleet = new FederationFleet(SharingMode.Ipls, p, seed, initial, scaler, learning, aggregation);
        for (int i = 0; i < n; i++)
        {
            fleet.AddVehicle();
        }

        fleet.Run(TimeSpan.FromSeconds(30)); // past warm-up and joining
        long sentBefore = fleet.Vehicles.Sum(v => ((IplsLink)v.Link).Host.Endpoint.Stats.BytesSent);
        long receivedBefore = fleet.Vehicles.Sum(v => ((IplsLink)v.Link).Host.Endpoint.Stats.BytesReceived);
        int roundsBefore = fleet.Vehicles.Sum(v => v.Rounds);
        fleet.Run(TimeSpan.FromMinutes(1));
        long sent = fleet.Vehicles.Sum(v => ((IplsLink)v.Link).Host.Endpoint.Stats.BytesSent) - sentBefore;
        long received = fleet.Vehicles.Sum(v => ((IplsLink)v.Link).Host.Endpoint.Stats.BytesReceived) - receivedBefore;
        int rounds = fleet.Vehicles.Sum(v => v.Rounds) - roundsBefore;
        return new ScalePoint(n, p, sent / (double)rounds, received / (double)rounds, watch.Elapsed.TotalSeconds);
    }

    private FederationFleet NewFleet(SharingMode mode, int count, SimulatedNetworkOptions? network = null)
    {
        var fleet = new FederationFleet(mode, partitions, seed, initial, scaler, learning, aggregation, network);
        for (int i = 0; i < count; i++)
        {
            fleet.AddVehicle();
        }

        return fleet;
    }

    private (double Before, double After) JoinRun(int count, bool join)
    {
        var fleet = NewFleet(SharingMode.Ipls, count);
        fleet.Run(WarmUp - TimeSpan.FromMinutes(1));
        ResetMax(fleet);
        fleet.Run(TimeSpan.FromMinutes(1));
        double before = fleet.Vehicles.Max(v => v.MaxSmoothedSince);
        ResetMax(fleet);
        if (join)
        {
            fleet.AddVehicle();
        }

        fleet.Run(TimeSpan.FromMinutes(1));
        return (before, fleet.Vehicles.Take(count).Max(v => v.MaxSmoothedSince));
    }

    private (double Peak, double RecoverSeconds) SwitchAndWatch(FederationFleet fleet, SimulatedVehicle vehicle)
    {
        vehicle.Mode = GeneratorMode.Anomaly;
        vehicle.Scores.Watch(fleet.Now);
        fleet.RunUntil(() => vehicle.Scores.Settled(fleet.Now, Patience), _phaseCap);
        return (vehicle.Scores.Peak, vehicle.Scores.RecoverSeconds(fleet.Now));
    }

    private static double WatchUpdateGap(FederationFleet fleet, TimeSpan duration)
    {
        var lastChange = fleet.Nodes.Where(n => fleet.Vehicles.First(v => v.Id == n.Id).Running).ToDictionary(n => n.Id, _ => fleet.Now);
        var lastVersions = lastChange.Keys.ToDictionary(id => id, id => fleet.Nodes.First(n => n.Id == id).Versions.ToArray());
        double longest = 0;
        var end = fleet.Now + duration;
        while (fleet.Now < end)
        {
            fleet.Run(TimeSpan.FromMilliseconds(250));
            foreach (var node in fleet.Nodes.Where(n => lastChange.ContainsKey(n.Id)))
            {
                if (!node.Versions.SequenceEqual(lastVersions[node.Id]))
                {
                    longest = Math.Max(longest, (fleet.Now - lastChange[node.Id]).TotalSeconds);
                    lastChange[node.Id] = fleet.Now;
                    lastVersions[node.Id] = node.Versions.ToArray();
                }
            }
        }

        return longest;
    }

    private static void ResetMax(FederationFleet fleet)
    {
        foreach (var vehicle in fleet.Vehicles)
        {
            vehicle.MaxSmoothedSince = 0;
        }
    }
}
