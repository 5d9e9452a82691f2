namespace IplsBench.Federation;

/// <summary>Sample rate and how scores are judged in the demo (the training cadence is IplsCore.Training.TrainingCadence).</summary>
internal static class DemoTiming
{
    public static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(250);
    public const double Threshold = IplsCore.Engine.AnomalyThreshold.Default;

    /// <summary>Scores are judged on a moving average of this many samples (3 s), so one noisy sample is not a recovery.</summary>
    public const int SmoothingWindow = 12;
}
