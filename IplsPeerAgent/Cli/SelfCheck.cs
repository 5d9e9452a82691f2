using System.Globalization;
using IplsCore.Data;
using IplsCore.Engine;
using IplsCore.Persistence;
using IplsCore.Scaling;
using IplsAgent.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace IplsPeerAgent.Cli;

/// <summary>
/// The checks behind <c>ipls-agent self-check</c>: on a new device (or under emulation) the engine
/// must load the model, score, train and checkpoint exactly as on the machine it was built on. Each
/// check catches its own failure, so one broken part still shows the state of the others.
/// </summary>
internal static class SelfCheck
{
    public const double Threshold = AnomalyThreshold.Default;

    /// <summary>A normal reading: features 0-1 near the (1.5, 1.5) cluster, features 2-3 near the origin.</summary>
    public static readonly float[] NormalSample = [1.48f, 1.55f, 0.12f, -0.07f];

    /// <summary>An anomalous reading: features 2-3 on the ring of radius 6 the anomaly data lives on.</summary>
    public static readonly float[] AnomalySample = [-1.52f, 1.46f, 4.31f, -4.18f];

    private const int TrainingRows = 512;
    private const int TrainingEpochs = 2;
    private const int Partitions = 8;

    public static IReadOnlyList<SelfCheckResult> Run(string modelPath, CancellationToken cancellationToken)
    {
        var results = new List<SelfCheckResult>();
        (DenseNetwork Network, MinMaxScaler Scaler)? model = null;
        results.Add(Attempt("model loads", () =>
        {
            model = ModelLoader.Load(modelPath, null);
            var (network, scaler) = model.Value;
            bool finite = FiniteCheck.AllFinite(network.Parameters);
            return new SelfCheckResult("model loads", finite, Invariant($"{Path.GetFileName(modelPath)}: {network.Shape}, {network.ParameterCount} parameters, {scaler.Features}-feature scaler{(finite ? string.Empty : ", NON-FINITE parameters")}"));
        }));

        string[] dependent = ["normal sample below threshold", "anomaly sample above threshold", "batch and row scoring agree", "training step stays finite", "checkpoint write and read back"];
        if (model is not { } loaded)
        {
            results.AddRange(dependent.Select(name => new SelfCheckResult(name, false, "skipped: no model")));
            return results;
        }

        var scoring = ScoringModel.Create(loaded.Network, loaded.Scaler);
        var scorer = new AnomalyScorer(scoring, maxBatch: 2);
        cancellationToken.ThrowIfCancellationRequested();
        results.Add(Attempt(dependent[0], () => ScoreAgainstThreshold(dependent[0], scorer, NormalSample, expectAbove: false)));
        results.Add(Attempt(dependent[1], () => ScoreAgainstThreshold(dependent[1], scorer, AnomalySample, expectAbove: true)));
        results.Add(Attempt(dependent[2], () => BatchMatchesRows(dependent[2], scorer)));
        cancellationToken.ThrowIfCancellationRequested();
        DenseNetwork? trained = null;
        results.Add(Attempt(dependent[3], () => TrainStep(dependent[3], loaded.Network, loaded.Scaler, out trained, cancellationToken)));
        cancellationToken.ThrowIfCancellationRequested();
        results.Add(Attempt(dependent[4], () => CheckpointRoundTrip(dependent[4], trained ?? loaded.Network, loaded.Scaler)));
        return results;
    }

    private static SelfCheckResult ScoreAgainstThreshold(string name, AnomalyScorer scorer, float[] sample, bool expectAbove)
    {
        float score = scorer.Score(sample);
        bool passed = float.IsFinite(score) && (expectAbove ? score > Threshold : score < Threshold);
        return new SelfCheckResult(name, passed, Invariant($"score {score:F4} {(score > Threshold ? ">" : "<=")} {Threshold}"));
    }

    /// <summary>The batch path and the single-row path use different kernels; on a new CPU they must still agree.</summary>
    private static SelfCheckResult BatchMatchesRows(string name, AnomalyScorer scorer)
    {
        float[] rows = [.. NormalSample, .. AnomalySample];
        var batch = new float[2];
        scorer.Score(rows, batch);
        float normal = scorer.Score(NormalSample);
        float anomaly = scorer.Score(AnomalySample);
        double difference = Math.Max(Math.Abs(batch[0] - normal), Math.Abs(batch[1] - anomaly));
        bool passed = double.IsFinite(difference) && difference <= 1e-5;
        return new SelfCheckResult(name, passed, Invariant($"largest difference {difference:G3}"));
    }

    private static SelfCheckResult TrainStep(string name, DenseNetwork initial, MinMaxScaler scaler, out DenseNetwork? trained, CancellationToken cancellationToken)
    {
        var network = initial.Clone();
        var raw = SyntheticVehicleData.Generate(GeneratorMode.Normal, TrainingRows, seed: 11);
        var scaled = new float[raw.Length];
        scaler.Transform(raw, scaled);
        var trainer = new AutoencoderTrainer(network, new TrainingOptions { Epochs = TrainingEpochs, BatchSize = 32, Seed = 11 });
        var result = trainer.Fit(scaled, cancellationToken: cancellationToken);
        float after = new AnomalyScorer(ScoringModel.Create(network, scaler)).Score(NormalSample);
        bool passed = float.IsFinite(result.LastEpochLoss) && FiniteCheck.AllFinite(network.Parameters) && float.IsFinite(after);
        trained = passed ? network : null;
        return new SelfCheckResult(name, passed, Invariant($"{result.Epochs} epochs, {result.Steps} steps, loss {result.LastEpochLoss:F5}, normal score after {after:F4}"));
    }

    /// <summary>Through the agent's own checkpoint store, so the files and hashes a device writes are the ones tested.</summary>
    private static SelfCheckResult CheckpointRoundTrip(string name, DenseNetwork network, MinMaxScaler scaler)
    {
        var directory = Directory.CreateTempSubdirectory("ipls-self-check-");
        try
        {
            var store = new CheckpointStore(directory.FullName, NullLogger.Instance);
            long[] versions = [.. Enumerable.Range(1, Partitions).Select(v => (long)v)];
            var saved = new AgentCheckpoint(network.Parameters.ToArray(), versions, 1, Threshold, GeneratorMode.Normal, false, DateTimeOffset.UtcNow);
            store.Save(saved, network.Shape, scaler);
            var loaded = store.TryLoad(network.Shape, Partitions);
            bool passed = loaded is not null
                && loaded.Parameters.AsSpan().SequenceEqual(saved.Parameters)
                && loaded.Versions.AsSpan().SequenceEqual(versions)
                && ModelFile.ReadFile(store.ModelPath).Scaler is { } readScaler && readScaler.SameAs(scaler);
            long bytes = new FileInfo(store.ModelPath).Length + new FileInfo(store.StatePath).Length;
            return new SelfCheckResult(name, passed, Invariant($"{bytes} bytes written to a temp directory, {(passed ? "identical" : "DIFFERENT")} when read back"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static SelfCheckResult Attempt(string name, Func<SelfCheckResult> check)
    {
        try
        {
            return check();
        }
#pragma warning disable CA1031 // A self-check reports every failure as a failed row instead of crashing.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return new SelfCheckResult(name, false, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
