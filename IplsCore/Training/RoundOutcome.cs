using IplsCore.Engine;

namespace IplsCore.Training;

/// <summary>
/// What a finished round produced: Δ = W_round_start − W_fitted over the whole vector (the
/// reference's sign), the partition versions the round started from, the fitted network, and the
/// mean anomaly score of the round's samples under the model the round started from (how new the
/// data is to the fleet model: the input of <see cref="ContributionWeight"/>).
/// </summary>
public sealed record RoundOutcome(int Round, int Samples, float Loss, float[] Delta, long[] BaseVersions, DenseNetwork Fitted, double BaseScore);
