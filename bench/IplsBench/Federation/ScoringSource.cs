namespace IplsBench.Federation;

/// <summary>Which model a vehicle scores its samples with.</summary>
internal enum ScoringSource
{
    /// <summary>The model each round starts from: the fleet's (in isolated mode, the vehicle's own).</summary>
    Fleet,

    /// <summary>The locally fitted model after each round, as the reference deployment does.</summary>
    Local,
}
