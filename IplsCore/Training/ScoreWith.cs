namespace IplsCore.Training;

/// <summary>Which model a vehicle scores its samples with (config key <c>scoreWith</c>).</summary>
public enum ScoreWith
{
    /// <summary>The lower score of the vehicle's personal model and the fleet model (see <see cref="PersonalizedScorer"/>).</summary>
    Personal,

    /// <summary>The fleet model each round starts from.</summary>
    Fleet,

    /// <summary>The locally fitted model after each round, as the reference deployment does.</summary>
    Local,
}
