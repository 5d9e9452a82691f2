using IplsCore.Configuration;
using IplsCore.Data;
using IplsCore.Engine;
using IplsCore.Persistence;
using IplsCore.Scaling;
using IplsCore.Training;

namespace IplsCore.Tests.Training;

/// <summary>The rules of personalized learning (docs/learning.md): the weight, the score, the personal round.</summary>
public class PersonalizationTests
{
    private static readonly LearningOptions Defaults = new();

    [Theory]
    [InlineData(0.005, 33)] // data the fleet model knows: its samples
    [InlineData(0.08, 33)] // at the scale: still its samples
    [InlineData(0.16, 132)] // twice the scale, q = 2: four times
    [InlineData(0.4, 825)] // five times: 25 times
    [InlineData(5.0, 3300)] // far above: the cap (100)
    [InlineData(double.NaN, 33)] // q = 2 and scale 0.08 here, the defaults (2.5, 0.04) have their own case below
    public void ContributionWeight_IsSamplesRaisedByNoveltyToThePower_Capped(double meanBaseScore, int expected)
    {
        Assert.Equal(expected, ContributionWeight.Of(33, meanBaseScore, Defaults with { NoveltyWeightPower = 2, NoveltyScale = 0.08 }, AnomalyThreshold.Default));
    }

    [Fact]
    public void ContributionWeight_WithTheDefaults_IsSamplesTimesNoveltyToTwoAndAHalf_FromHalfTheThreshold()
    {
        Assert.Equal(2.5, Defaults.NoveltyWeightPower);
        Assert.Null(Defaults.NoveltyScale);
        Assert.Equal(0.04, Defaults.NoveltyScaleAt(AnomalyThreshold.Default));
        Assert.Equal(33, ContributionWeight.Of(33, 0.04, Defaults, 0.08)); // at the scale: its samples
        Assert.Equal((int)Math.Round(33 * Math.Pow(2, 2.5)), ContributionWeight.Of(33, 0.08, Defaults, 0.08)); // at the threshold: 5.7 times
    }

    [Fact]
    public void ContributionWeight_FollowsTheThreshold_UnlessTheScaleIsSet()
    {
        // An operator who raises the threshold to 0.2 raises the scale to 0.1: a round at 0.08 is not new.
        Assert.Equal(33, ContributionWeight.Of(33, 0.08, Defaults, 0.2));
        Assert.Equal((int)Math.Round(33 * Math.Pow(2, 2.5)), ContributionWeight.Of(33, 0.2, Defaults, 0.2));
        // A set scale stays where it is.
        Assert.Equal((int)Math.Round(33 * Math.Pow(2, 2.5)), ContributionWeight.Of(33, 0.08, Defaults with { NoveltyScale = 0.04 }, 0.2));
        // A threshold of 0 calls everything anomalous: nothing is new, rounds weigh their samples.
        Assert.Equal(33, ContributionWeight.Of(33, 5, Defaults, 0));
    }

    [Fact]
    public void ContributionWeight_PowerZeroWeighsBySamples_AndNeverExceedsTheWireBound()
    {
        Assert.Equal(33, ContributionWeight.Of(33, 10, LearningOptions.Plain(ScoreWith.Fleet), AnomalyThreshold.Default));
        var huge = Defaults with { NoveltyWeightCap = ContributionWeight.MaxFactor };
        Assert.Equal(ContributionWeight.MaxWeight, ContributionWeight.Of(100_001, 100, huge, AnomalyThreshold.Default));
        Assert.Throws<ArgumentOutOfRangeException>(() => ContributionWeight.Of(0, 1, Defaults, AnomalyThreshold.Default));
    }

    [Theory]
    [InlineData(0.01, 0.02, 0.5, PersonalStep.AdoptFleet)] // fleet explains my data better: take it
    [InlineData(0.3, 0.3, 0.3, PersonalStep.Train)] // the same model (nothing learnt yet): the personal model learns
    [InlineData(0.30, 0.20, 0.15, PersonalStep.Train)] // neither explains it: the personal model learns it
    [InlineData(0.30, 0.012, 0.01, PersonalStep.Keep)] // the fleet drifted, mine still fits: keep it untouched
    [InlineData(0.30, 0.05, 0.01, PersonalStep.Keep)] // a high mean from one rare sample, low median: no fit
    public void PersonalRound_Decides_AdoptTrainOrKeep(double fleetMean, double personalMean, double personalMedian, PersonalStep expected)
    {
        Assert.Equal(expected, PersonalModel.Decide(fleetMean, personalMean, personalMedian, Defaults));
    }

    [Fact]
    public void Scorer_ReportsTheLowerOfFleetAndPersonal_AndFleetAloneWithoutPersonal()
    {
        var (good, scaler) = DefaultModel();
        var bad = DenseNetwork.CreateXavier(good.Shape, 5); // an untrained network reconstructs nothing
        var row = SyntheticVehicleData.Generate(GeneratorMode.Normal, 1, 3);
        var goodScore = new AnomalyScorer(ScoringModel.Create(good, scaler)).Score(row);
        var badScore = new AnomalyScorer(ScoringModel.Create(bad, scaler)).Score(row);
        Assert.True(goodScore < badScore);

        var personalBetter = new PersonalizedScorer(ScoringModel.Create(bad, scaler), ScoringModel.Create(good, scaler));
        Assert.Equal(goodScore, personalBetter.Score(row));
        Assert.Equal(badScore, personalBetter.LastFleetScore);
        var fleetBetter = new PersonalizedScorer(ScoringModel.Create(good, scaler), ScoringModel.Create(bad, scaler));
        Assert.Equal(goodScore, fleetBetter.Score(row));
        var fleetOnly = new PersonalizedScorer(ScoringModel.Create(bad, scaler), null);
        Assert.Equal(badScore, fleetOnly.Score(row));
        Assert.Throws<InvalidOperationException>(() => fleetOnly.PersonalModel = ScoringModel.Create(good, scaler));
    }

    [Fact]
    public void PersonalModel_LearnsNewDataByItself_WhileTheFleetModelDoesNot()
    {
        var (initial, scaler) = DefaultModel();
        var fleet = ScoringModel.Create(initial, scaler); // a fleet model that never learns the new data
        var personal = new PersonalModel(initial, scaler, new TrainingCadence(), Defaults, seed: 1);
        var anomaly = new SyntheticVehicleData(4, GeneratorMode.Anomaly);
        var sample = new float[4];
        ScoringModel? latest = null;
        for (int i = 0; i < 33 * 12; i++)
        {
            anomaly.Next(sample);
            latest = personal.Add(sample, fleet) ?? latest;
        }

        Assert.Equal(12, personal.Rounds);
        Assert.Equal(12, personal.Trained);
        var test = SyntheticVehicleData.Generate(GeneratorMode.Anomaly, 200, 9);
        Assert.True(MeanScore(latest!, test) < MeanScore(fleet, test) / 2, "the personal model learnt the anomaly data");
    }

    [Fact]
    public void PersonalModel_AdoptsAFleetModelThatFitsBetter_AndKeepsItsOwnWhenTheFleetDrifts()
    {
        var (initial, scaler) = DefaultModel();
        var drifted = ScoringModel.Create(DenseNetwork.CreateXavier(initial.Shape, 5), scaler);
        var fitting = ScoringModel.Create(initial, scaler);
        var personal = new PersonalModel(DenseNetwork.CreateXavier(initial.Shape, 6), scaler, new TrainingCadence(), Defaults, seed: 1);
        var normal = new SyntheticVehicleData(4);
        var sample = new float[4];

        ScoringModel? adopted = null;
        for (int i = 0; i < 33; i++)
        {
            normal.Next(sample);
            adopted = personal.Add(sample, fitting) ?? adopted;
        }

        Assert.Equal(1, personal.Adopted);
        Assert.Equal(fitting.Parameters.ToArray(), adopted!.Parameters.ToArray());

        for (int i = 0; i < 33 * 5; i++)
        {
            normal.Next(sample);
            Assert.Null(personal.Add(sample, drifted)); // normal data the personal model fits: kept as it is
        }

        Assert.Equal(1, personal.Adopted);
        Assert.Equal(0, personal.Trained);
        Assert.Equal(fitting.Parameters.ToArray(), personal.Network.Parameters.ToArray());
    }

    [Fact]
    public void RoundOutcome_CarriesTheMeanScoreUnderTheBaseModel()
    {
        var (initial, scaler) = DefaultModel();
        var trainer = new RoundTrainer(initial, scaler, new TrainingCadence { WarmUpRounds = 0 }, partitions: 8, seed: 1);
        trainer.BeginRound(initial.Parameters.ToArray(), new long[8]);
        var rows = SyntheticVehicleData.Generate(GeneratorMode.Anomaly, 33, 2);
        RoundOutcome? outcome = null;
        for (int i = 0; i < 33; i++)
        {
            outcome = trainer.Add(rows.AsSpan(i * 4, 4));
        }

        Assert.Equal(MeanScore(ScoringModel.Create(initial, scaler), rows), outcome!.BaseScore, 4);
    }

    [Fact]
    public void Round_StartedFromAnotherModel_TakesItsDeltaAgainstTheBase()
    {
        // shareWhileLearning: the fit starts from the personal model, the delta is against the fleet model.
        var (initial, scaler) = DefaultModel();
        var start = initial.Clone();
        var moved = start.Parameters.ToArray();
        for (int i = 0; i < moved.Length; i++)
        {
            moved[i] += 0.01f;
        }

        start.SetParameters(moved);
        var cadence = new TrainingCadence { WarmUpRounds = 0, LearningRate = 0 }; // no fitting: the delta is the start's offset alone
        var trainer = new RoundTrainer(initial, scaler, cadence, partitions: 8, seed: 1);
        trainer.BeginRound(start.Parameters, initial.Parameters, new long[8]);
        var rows = SyntheticVehicleData.Generate(GeneratorMode.Normal, 33, 2);
        RoundOutcome? outcome = null;
        for (int i = 0; i < 33; i++)
        {
            outcome = trainer.Add(rows.AsSpan(i * 4, 4));
        }

        Assert.All(outcome!.Delta, d => Assert.Equal(-0.01f, d, 1e-4f));
        Assert.Equal(MeanScore(ScoringModel.Create(initial, scaler), rows), outcome.BaseScore, 4);
    }

    [Fact]
    public void Options_OutOfRange_AreRejectedWithTheirKey()
    {
        Assert.Equal("noveltyWeightPower", Assert.Throws<ConfigurationException>(() => (Defaults with { NoveltyWeightPower = -1 }).Validate()).Key);
        Assert.Equal("noveltyWeightCap", Assert.Throws<ConfigurationException>(() => (Defaults with { NoveltyWeightCap = 0.5 }).Validate()).Key);
        Assert.Equal("noveltyScale", Assert.Throws<ConfigurationException>(() => (Defaults with { NoveltyScale = 0 }).Validate()).Key);
        Assert.Equal("personalTrainAbove", Assert.Throws<ConfigurationException>(() => (Defaults with { PersonalTrainAbove = double.NaN }).Validate()).Key);
    }

    private static double MeanScore(ScoringModel model, float[] rows)
    {
        var scores = new float[rows.Length / 4];
        new AnomalyScorer(model).Score(rows, scores);
        return scores.Average();
    }

    private static (DenseNetwork Network, MinMaxScaler Scaler) DefaultModel()
    {
        var stored = ModelFile.ReadFile(DefaultModelPath());
        return (stored.Network, stored.Scaler!);
    }

    private static string DefaultModelPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "IplsAgent", "Models", "default.iplsm")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), "IplsAgent", "Models", "default.iplsm");
    }
}
