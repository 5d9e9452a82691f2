using IplsCore.Configuration;

namespace IplsCore.Training;

/// <summary>
/// How a vehicle learns beside the fleet (docs/learning.md): which model scores, and how much a
/// round's delta weighs in the fleet model. Defaults were chosen with <c>IplsBench federation</c>.
/// </summary>
public sealed record LearningOptions
{
    public ScoreWith ScoreWith { get; init; } = ScoreWith.Personal;

    /// <summary>
    /// q in the contribution weight samples · clamp((s̄ / NoveltyScale)^q, 1, NoveltyWeightCap), s̄ the
    /// round's mean score under the fleet model it started from; 0 weighs by samples only.
    /// </summary>
    public double NoveltyWeightPower { get; init; } = 2.5;

    /// <summary>The largest factor a round's weight can be raised by.</summary>
    public double NoveltyWeightCap { get; init; } = 100;

    /// <summary>
    /// The mean fleet score from which a round counts as new data; null (the default) means half the
    /// vehicle's current threshold, so it follows a threshold the operator changes. Half, not all of
    /// it: a round keeps a raised weight until the fleet model scores its data well under the
    /// threshold (chosen by IplsBench federation, docs/learning.md).
    /// </summary>
    public double? NoveltyScale { get; init; }

    /// <summary>
    /// With <see cref="ScoreWith.Personal"/>: the personal model is fitted on a round only while its own
    /// mean score on it is above this (data it does not explain yet); below, training it would only
    /// add optimizer noise to a model that already fits.
    /// </summary>
    public double PersonalTrainAbove { get; init; } = 0.02;

    /// <summary>
    /// With <see cref="ScoreWith.Personal"/>: while the personal model is being fitted (new data), the
    /// fleet round starts from it, so the delta carries what the vehicle learnt so far.
    /// </summary>
    public bool ShareWhileLearning { get; init; }

    /// <summary>The novelty scale in force while the vehicle's threshold is <paramref name="threshold"/>.</summary>
    public double NoveltyScaleAt(double threshold) => NoveltyScale ?? threshold / 2;

    /// <summary>The reference's behaviour and this project's earlier default: no personal model, weights by samples.</summary>
    public static LearningOptions Plain(ScoreWith scoreWith) => new() { ScoreWith = scoreWith, NoveltyWeightPower = 0 };

    public void Validate()
    {
        if (!double.IsFinite(NoveltyWeightPower) || NoveltyWeightPower is < 0 or > 8)
        {
            throw new ConfigurationException("noveltyWeightPower", NoveltyWeightPower, "must be between 0 and 8");
        }

        if (!double.IsFinite(NoveltyWeightCap) || NoveltyWeightCap is < 1 or > ContributionWeight.MaxFactor)
        {
            throw new ConfigurationException("noveltyWeightCap", NoveltyWeightCap, $"must be between 1 and {ContributionWeight.MaxFactor}");
        }

        if (!double.IsFinite(PersonalTrainAbove) || PersonalTrainAbove is < 0 or > 1000)
        {
            throw new ConfigurationException("personalTrainAbove", PersonalTrainAbove, "must be a number between 0 and 1000");
        }

        if (NoveltyScale is { } scale && (!double.IsFinite(scale) || scale is <= 0 or > 1000))
        {
            throw new ConfigurationException("noveltyScale", scale, "must be a number above 0 and at most 1000");
        }
    }
}
