using IplsCore.Engine;

namespace IplsCore.Training;

/// <summary>
/// What a finished round produced: Δ = W_round_start − W_fitted over the whole vector (the
/// reference's sign), the partition versions the round started from, and the fitted network.
/// </summary>
public sealed record RoundOutcome(int Round, int Samples, float Loss, float[] Delta, long[] BaseVersions, DenseNetwork Fitted);
