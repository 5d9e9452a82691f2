namespace IplsCore.Training;

/// <summary>
/// How much a round's delta weighs in the fleet model: its samples, raised for data the fleet model
/// does not know yet. Without the raise one vehicle's new data is 1/N of every aggregate and the
/// fleet learns it N times slower than the vehicle itself (the loss-weighted idea of q-FFL, capped
/// so one peer can never carry more than a bounded share).
/// </summary>
public static class ContributionWeight
{
    /// <summary>Upper bound of <see cref="LearningOptions.NoveltyWeightCap"/>: keeps the weight far inside the wire's sample limit.</summary>
    public const double MaxFactor = 1000;

    /// <summary>Receivers reject a delta whose sample count (the weight) exceeds this (IplsNode's bound).</summary>
    public const int MaxWeight = 1_000_000;

    /// <summary>
    /// samples · clamp((meanBaseScore / scale)^power, 1, cap), the scale being
    /// <see cref="LearningOptions.NoveltyScaleAt"/> the vehicle's <paramref name="threshold"/>: a round
    /// the fleet model already scores under the scale weighs its samples; so does a non-finite score.
    /// </summary>
    public static int Of(int samples, double meanBaseScore, LearningOptions options, double threshold)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        double factor = Factor(meanBaseScore, options, threshold);
        return (int)Math.Min(MaxWeight, Math.Round(samples * factor));
    }

    public static double Factor(double meanBaseScore, LearningOptions options, double threshold)
    {
        ArgumentNullException.ThrowIfNull(options);
        double scale = options.NoveltyScaleAt(threshold);

        // A threshold of 0 calls every sample anomalous, so nothing stands out as new: samples only.
        if (options.NoveltyWeightPower <= 0 || !(scale > 0) || !double.IsFinite(meanBaseScore) || meanBaseScore <= scale)
        {
            return 1;
        }

        return Math.Clamp(Math.Pow(meanBaseScore / scale, options.NoveltyWeightPower), 1, options.NoveltyWeightCap);
    }
}
