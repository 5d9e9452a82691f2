using IplsCore.Configuration;
using IplsCore.Data;
using IplsCore.Engine;
using IplsCore.Scaling;
using IplsCore.Training;

namespace IplsCore.Tests.Training;

public class RoundTrainerTests
{
    private static readonly MinMaxScaler Scaler = new([-6f, -6f, -7f, -7f], [3f, 3f, 7f, 7f]);

    private static RoundTrainer NewTrainer(TrainingCadence? cadence = null) =>
        new(DenseNetwork.CreateXavier(NetworkShape.Default, 1), Scaler, cadence ?? new TrainingCadence(), partitions: 8, seed: 1);

    [Fact]
    public void Rounds_FollowTheReferenceCadence_WarmUpThenUpdateFrequencyPlusOne()
    {
        var trainer = NewTrainer();
        var source = new SyntheticVehicleData(3);
        var sample = new float[4];
        var roundSizes = new List<int>();
        int samples = 0;

        while (roundSizes.Count < 7)
        {
            if (trainer.AwaitingRoundStart)
            {
                trainer.BeginRound(trainer.Network.Parameters.ToArray(), new long[8]);
            }

            source.Next(sample);
            samples++;
            if (trainer.Add(sample) is { } outcome)
            {
                roundSizes.Add(outcome.Samples);
                Assert.Equal(roundSizes.Count, outcome.Round);
            }
        }

        Assert.Equal([2, 2, 2, 2, 2, 33, 33], roundSizes);
        Assert.Equal(76, samples);
        Assert.False(trainer.WarmingUp);
    }

    [Fact]
    public void Outcome_DeltaIsBaseMinusFitted_AndCarriesTheBaseVersions()
    {
        var trainer = NewTrainer(new TrainingCadence { WarmUpRounds = 0, UpdateFrequency = 9 });
        var start = DenseNetwork.CreateXavier(NetworkShape.Default, 7).Parameters.ToArray();
        long[] versions = [3, 3, 4, 4, 5, 5, 6, 6];
        trainer.BeginRound(start, versions);
        var rows = SyntheticVehicleData.Generate(GeneratorMode.Normal, 10, 2);

        RoundOutcome? outcome = null;
        for (int i = 0; i < 10; i++)
        {
            outcome = trainer.Add(rows.AsSpan(i * 4, 4));
        }

        Assert.NotNull(outcome);
        Assert.Equal(versions, outcome.BaseVersions);
        Assert.Contains(outcome.Delta, d => d != 0);
        for (int i = 0; i < start.Length; i++)
        {
            Assert.Equal(start[i] - outcome.Fitted.Parameters[i], outcome.Delta[i], 1e-6f);
        }

        Assert.True(trainer.AwaitingRoundStart);
    }

    [Fact]
    public void Add_NonFiniteSample_IsRejectedAndNotCounted()
    {
        var trainer = NewTrainer(new TrainingCadence { WarmUpRounds = 0, UpdateFrequency = 1 });
        trainer.BeginRound(trainer.Network.Parameters.ToArray(), new long[8]);

        Assert.Throws<NonFiniteValueException>(() => trainer.Add([1f, float.NaN, 0f, 0f]));
        Assert.Null(trainer.Add([1f, 1f, 0f, 0f]));
        Assert.NotNull(trainer.Add([1f, 1f, 0f, 0f]));
    }

    [Fact]
    public void Add_BeforeBeginRound_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => NewTrainer().Add([0f, 0f, 0f, 0f]));
    }

    [Theory]
    [InlineData(-1, 3, "updateFrequency")]
    [InlineData(32, 0, "epochs")]
    public void Cadence_OutOfRange_NamesTheReferenceKey(int updateFrequency, int epochs, string key)
    {
        var ex = Assert.Throws<ConfigurationException>(() => new TrainingCadence { UpdateFrequency = updateFrequency, Epochs = epochs }.Validate());

        Assert.Equal(key, ex.Key);
    }
}
