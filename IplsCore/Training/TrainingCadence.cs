using IplsCore.Configuration;
using IplsCore.Engine;

namespace IplsCore.Training;

/// <summary>
/// When and how a peer trains, as in the reference deployment: a round every UpdateFrequency + 1
/// samples, preceded by WarmUpRounds rounds of WarmUpSamplesPerRound samples (the reference's
/// stabilityCount); each round fits Epochs epochs with Adam at LearningRate in batches of BatchSize
/// (DL4J's iterator default, 10), in arrival order.
/// </summary>
public sealed record TrainingCadence
{
    public int UpdateFrequency { get; init; } = 32;

    public int WarmUpRounds { get; init; } = 5;

    public int WarmUpSamplesPerRound { get; init; } = 2;

    public int Epochs { get; init; } = 3;

    public float LearningRate { get; init; } = 0.001f;

    public int BatchSize { get; init; } = 10;

    public int SamplesInRound(int round) => round <= WarmUpRounds ? WarmUpSamplesPerRound : UpdateFrequency + 1;

    /// <summary>A trainer of a copy of <paramref name="initial"/> that fits rounds this way, samples in arrival order.</summary>
    public AutoencoderTrainer NewTrainer(DenseNetwork initial, int seed)
    {
        ArgumentNullException.ThrowIfNull(initial);
        return new AutoencoderTrainer(initial.Clone(), new TrainingOptions
        {
            BatchSize = BatchSize,
            Epochs = Epochs,
            Shuffle = false,
            Seed = seed,
            Adam = new AdamOptions { LearningRate = LearningRate },
        });
    }

    public void Validate()
    {
        if (UpdateFrequency is < 0 or > 100_000)
        {
            throw new ConfigurationException("updateFrequency", UpdateFrequency, "must be between 0 and 100000");
        }

        if (WarmUpRounds is < 0 or > 100_000)
        {
            throw new ConfigurationException("stabilityCount", WarmUpRounds, "must be between 0 and 100000");
        }

        if (WarmUpSamplesPerRound is < 1 or > 100_000)
        {
            throw new ConfigurationException(nameof(WarmUpSamplesPerRound), WarmUpSamplesPerRound, "must be between 1 and 100000");
        }

        if (Epochs is < 1 or > 1000)
        {
            throw new ConfigurationException("epochs", Epochs, "must be between 1 and 1000");
        }

        if (!float.IsFinite(LearningRate) || LearningRate < 0 || LearningRate > 1)
        {
            throw new ConfigurationException("learningRate", LearningRate, "must be a number between 0 and 1");
        }

        if (BatchSize is < 1 or > 65536)
        {
            throw new ConfigurationException(nameof(BatchSize), BatchSize, "must be between 1 and 65536");
        }
    }
}
