namespace IplsCore.Data;

/// <summary>
/// The shape of the reference vehicle data, fitted to Technica's normal_1..4 and anomaly_1..4 files
/// (first 900 rows of each; see generator_spec.json). Every feature pair is a centre plus polar noise:
/// point = centre + r·(cos θ, sin θ), r ~ Normal(μ, σ) (|r| when μ = 0), θ ~ U[0, 2π).
/// </summary>
/// <remarks>
/// Features 0-1 sit around one of four weighted centres with μ = 0; features 2-3 sit around the origin,
/// as a blob (normal, μ = 0) or a ring of radius ≈ 6 (anomaly). Centres are (x, y) pairs, flattened.
/// </remarks>
public static class VehicleDataSpec
{
    /// <summary>Features per sample.</summary>
    public const int Features = 4;

    /// <summary>Number of (f0, f1) centres in each mode.</summary>
    public const int ClusterCount = 4;

    /// <summary>σ of the (f0, f1) radius in normal data; μ is 0.</summary>
    public const double NormalF0F1RadiusSigma = 0.33699345172754386;

    /// <summary>μ of the (f2, f3) radius around the origin in normal data.</summary>
    public const double NormalF2F3RadiusMu = 0.0;

    /// <summary>σ of the (f2, f3) radius in normal data.</summary>
    public const double NormalF2F3RadiusSigma = 0.3283257005365496;

    /// <summary>σ of the (f0, f1) radius in anomaly data; μ is 0.</summary>
    public const double AnomalyF0F1RadiusSigma = 0.3355860122551225;

    /// <summary>μ of the (f2, f3) radius around the origin in anomaly data: a ring.</summary>
    public const double AnomalyF2F3RadiusMu = 5.999248819572329;

    /// <summary>σ of the (f2, f3) radius in anomaly data.</summary>
    public const double AnomalyF2F3RadiusSigma = 0.3308703392284653;

    /// <summary>Fitted (f0, f1) centres of normal data as x0, y0, x1, y1, …; nominally (±1.5|−4.5)².</summary>
    public static ReadOnlySpan<double> NormalF0F1Centres =>
    [
        1.5072716553436807, 1.496710554368071,
        1.4964820599777282, -4.495625395334076,
        -4.496034456302895, 1.5049656863140313,
        -4.492413169013304, -4.492344686829268,
    ];

    /// <summary>
    /// Measured frequencies of the normal centres, in the order of <see cref="NormalF0F1Centres"/>.
    /// Nominally 1/4 each; the fitted values are kept so the generator matches the files.
    /// </summary>
    public static ReadOnlySpan<double> NormalF0F1Weights =>
    [
        0.25055555555555553,
        0.24944444444444444,
        0.24944444444444444,
        0.25055555555555553,
    ];

    /// <summary>Fitted (f0, f1) centres of anomaly data as x0, y0, x1, y1, ….</summary>
    public static ReadOnlySpan<double> AnomalyF0F1Centres =>
    [
        1.47555079785, -1.50275611105,
        -4.50517899473, -1.4901609351,
        -1.49445515443, 1.50209761188,
        -1.50042617397, -4.49541843662,
    ];

    /// <summary>Frequencies of the anomaly centres: 1/6, then 5/18 three times.</summary>
    public static ReadOnlySpan<double> AnomalyF0F1Weights =>
    [
        0.16666666666666666,
        0.2777777777777778,
        0.2777777777777778,
        0.2777777777777778,
    ];

    /// <summary>The (f0, f1) centres for <paramref name="mode"/>, flattened as x, y pairs.</summary>
    public static ReadOnlySpan<double> F0F1Centres(GeneratorMode mode) =>
        mode == GeneratorMode.Anomaly ? AnomalyF0F1Centres : NormalF0F1Centres;

    /// <summary>The (f0, f1) centre weights for <paramref name="mode"/>; they sum to 1.</summary>
    public static ReadOnlySpan<double> F0F1Weights(GeneratorMode mode) =>
        mode == GeneratorMode.Anomaly ? AnomalyF0F1Weights : NormalF0F1Weights;

    /// <summary>σ of the (f0, f1) radius for <paramref name="mode"/>.</summary>
    public static double F0F1RadiusSigma(GeneratorMode mode) =>
        mode == GeneratorMode.Anomaly ? AnomalyF0F1RadiusSigma : NormalF0F1RadiusSigma;

    /// <summary>μ of the (f2, f3) radius for <paramref name="mode"/>.</summary>
    public static double F2F3RadiusMu(GeneratorMode mode) =>
        mode == GeneratorMode.Anomaly ? AnomalyF2F3RadiusMu : NormalF2F3RadiusMu;

    /// <summary>σ of the (f2, f3) radius for <paramref name="mode"/>.</summary>
    public static double F2F3RadiusSigma(GeneratorMode mode) =>
        mode == GeneratorMode.Anomaly ? AnomalyF2F3RadiusSigma : NormalF2F3RadiusSigma;
}
