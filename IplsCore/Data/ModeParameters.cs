namespace IplsCore.Data;

/// <summary>
/// One mode's spec numbers copied into arrays once, so sampling reads plain arrays: the spec's
/// <see cref="ReadOnlySpan{T}"/> properties allocate on every access in unoptimized (debug or tier-0) code.
/// </summary>
internal sealed class ModeParameters
{
    private ModeParameters(GeneratorMode mode)
    {
        Centres = VehicleDataSpec.F0F1Centres(mode).ToArray();
        var weights = VehicleDataSpec.F0F1Weights(mode);
        CumulativeWeights = new double[weights.Length];
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += weights[i];
            CumulativeWeights[i] = sum;
        }

        F0F1RadiusSigma = VehicleDataSpec.F0F1RadiusSigma(mode);
        F2F3RadiusMu = VehicleDataSpec.F2F3RadiusMu(mode);
        F2F3RadiusSigma = VehicleDataSpec.F2F3RadiusSigma(mode);
    }

    /// <summary>(f0, f1) centres as x, y pairs.</summary>
    public double[] Centres { get; }

    /// <summary>Running sums of the centre weights; the last is ≈ 1.</summary>
    public double[] CumulativeWeights { get; }

    public double F0F1RadiusSigma { get; }

    public double F2F3RadiusMu { get; }

    public double F2F3RadiusSigma { get; }

    public static ModeParameters Create(GeneratorMode mode) => new(mode);
}
