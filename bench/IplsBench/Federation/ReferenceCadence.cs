namespace IplsBench.Federation;

/// <summary>The reference deployment's training cadence (adConfig.json and DL4J defaults).</summary>
internal static class ReferenceCadence
{
    public static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(250);
    public const int UpdateFrequency = 32;          // a round every updateFrequency + 1 samples
    public const int WarmUpRounds = 5;              // stabilityCount
    public const int WarmUpSamplesPerRound = 2;     // updateFrequency starts at 1 during warm-up
    public const int Epochs = 3;
    public const float LearningRate = 0.001f;
    public const int BatchSize = 10;                // DL4J ListDataSetIterator default
    public const double Threshold = 0.08;

    /// <summary>Scores are judged on a moving average of this many samples (3 s), so one noisy sample is not a recovery.</summary>
    public const int SmoothingWindow = 12;
}
