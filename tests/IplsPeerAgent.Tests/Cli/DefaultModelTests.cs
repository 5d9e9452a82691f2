using IplsCore.Data;
using IplsCore.Engine;
using IplsCore.Persistence;

namespace IplsPeerAgent.Tests.Cli;

/// <summary>The model agents start from: reproducible, and good at telling normal from anomaly data.</summary>
public sealed class DefaultModelTests : IDisposable
{
    /// <summary>The exact arguments documented in the README.</summary>
    internal static readonly string[] RecipeArguments =
        ["train", "--synthetic", "normal", "--rows", "20000", "--epochs", "300", "--seed", "123", "--scaler-synthetic"];

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task DefaultModel_IsReproducedBitForBitByTheDocumentedCommand()
    {
        var output = _dir.File("default.iplsm");

        var run = await CliRun.InvokeAsync([.. RecipeArguments, "--out", output]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(File.ReadAllBytes(RepositoryPaths.DefaultModel), File.ReadAllBytes(output));
        string readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        Assert.Contains(string.Join(" ", RecipeArguments[1..]), readme.Replace("\\\n  ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultModel_ScoresNormalLowAndAnomalyHigh()
    {
        var stored = ModelFile.ReadFile(RepositoryPaths.DefaultModel);
        var scorer = new AnomalyScorer(ScoringModel.Create(stored.Network, stored.Scaler!));

        double normal = MeanScore(scorer, GeneratorMode.Normal);
        double anomaly = MeanScore(scorer, GeneratorMode.Anomaly);

        // The reference model: about 0.017 on normal and 0.29 on anomaly data.
        Assert.InRange(normal, 0, 0.04);
        Assert.InRange(anomaly, 0.15, 2);
    }

    [Fact]
    public void DefaultModel_KeepsTheNormalTailUnderTheThreshold_AndDetectsAnomalyData()
    {
        // 200,000 normal samples are 14 hours of one vehicle at 4 Hz, 6 times the bystanders' 10 minutes in
        // a 16-vehicle demo. Before training clamped BCE targets to [0, 1], 0.05 % of normal samples (those
        // just past the scaler's range) scored 0.4–1.0, above every anomaly sample.
        var stored = ModelFile.ReadFile(RepositoryPaths.DefaultModel);
        var scorer = new AnomalyScorer(ScoringModel.Create(stored.Network, stored.Scaler!), maxBatch: 1024);
        var normal = SyntheticVehicleData.Generate(GeneratorMode.Normal, 200_000, 77);
        var normalScores = new float[200_000];
        scorer.Score(normal, normalScores);
        var anomaly = SyntheticVehicleData.Generate(GeneratorMode.Anomaly, 20_000, 78);
        var anomalyScores = new float[20_000];
        scorer.Score(anomaly, anomalyScores);

        Assert.True(normalScores.Max() < AnomalyThreshold.Default, $"highest normal score {normalScores.Max()}");
        int missed = anomalyScores.Count(s => s <= AnomalyThreshold.Default);
        Assert.True(missed < 20_000 / 200, $"{missed} of 20,000 anomaly samples at or under the threshold");
    }

    [Fact]
    public void DefaultScaler_CoversNormalAndAnomalyRanges()
    {
        var scaler = ModelFile.ReadFile(RepositoryPaths.DefaultModel).Scaler!;
        int outside = 0;
        int total = 0;
        foreach (var mode in new[] { GeneratorMode.Normal, GeneratorMode.Anomaly })
        {
            var rows = SyntheticVehicleData.Generate(mode, 5000, 31337);
            var scaled = new float[rows.Length];
            scaler.Transform(rows, scaled);
            foreach (float v in scaled)
            {
                total++;
                if (v < -0.02f || v > 1.02f)
                {
                    outside++;
                }
            }
        }

        Assert.True(outside < total / 1000, $"{outside} of {total} scaled values fall outside the scaler's range");
    }

    private static double MeanScore(AnomalyScorer scorer, GeneratorMode mode)
    {
        var rows = SyntheticVehicleData.Generate(mode, 4000, 2024);
        var scores = new float[4000];
        scorer.Score(rows, scores);
        return scores.Average();
    }
}
