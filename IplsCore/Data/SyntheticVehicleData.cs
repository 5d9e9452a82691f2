namespace IplsCore.Data;

/// <summary>
/// Endless synthetic vehicle samples with the shape of the reference files (<see cref="VehicleDataSpec"/>).
/// The same seed and the same sequence of modes give the same samples on a given platform.
/// </summary>
/// <remarks>
/// <see cref="Next"/> must be called from one thread at a time; <see cref="Mode"/> may be set from any
/// thread and applies from the next sample on.
/// </remarks>
public sealed class SyntheticVehicleData : ISampleSource
{
    private const double TwoPi = 2.0 * Math.PI;

    private readonly Random _random;
    private readonly ModeParameters _normal = ModeParameters.Create(GeneratorMode.Normal);
    private readonly ModeParameters _anomaly = ModeParameters.Create(GeneratorMode.Anomaly);
    private volatile GeneratorMode _mode;

    public SyntheticVehicleData(int seed, GeneratorMode mode = GeneratorMode.Normal)
    {
        ValidateMode(mode);
        _random = new Random(seed);
        _mode = mode;
    }

    /// <inheritdoc/>
    public int Features => VehicleDataSpec.Features;

    /// <summary>The kind of data produced from the next sample on.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined mode.</exception>
    public GeneratorMode Mode
    {
        get => _mode;
        set
        {
            ValidateMode(value);
            _mode = value;
        }
    }

    /// <summary>Generates <paramref name="rows"/> samples as a flat row-major array of rows × 4 floats.</summary>
    public static float[] Generate(GeneratorMode mode, int rows, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        var generator = new SyntheticVehicleData(seed, mode);
        var data = new float[checked(rows * VehicleDataSpec.Features)];
        for (var row = 0; row < rows; row++)
        {
            generator.Next(data.AsSpan(row * VehicleDataSpec.Features, VehicleDataSpec.Features));
        }

        return data;
    }

    /// <inheritdoc/>
    public void Next(Span<float> destination)
    {
        if (destination.Length != VehicleDataSpec.Features)
        {
            throw new ArgumentException(
                $"Destination must hold {VehicleDataSpec.Features} features, not {destination.Length}.",
                nameof(destination));
        }

        // Read the volatile field once so a concurrent switch cannot mix two modes within a sample.
        var parameters = _mode == GeneratorMode.Anomaly ? _anomaly : _normal;

        var cluster = PickCluster(parameters.CumulativeWeights);
        var (x0, x1) = PolarPoint(0.0, parameters.F0F1RadiusSigma);
        var (x2, x3) = PolarPoint(parameters.F2F3RadiusMu, parameters.F2F3RadiusSigma);

        destination[0] = (float)(parameters.Centres[2 * cluster] + x0);
        destination[1] = (float)(parameters.Centres[(2 * cluster) + 1] + x1);
        destination[2] = (float)x2;
        destination[3] = (float)x3;
    }

    private static void ValidateMode(GeneratorMode mode)
    {
        if (mode is not (GeneratorMode.Normal or GeneratorMode.Anomaly))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown generator mode.");
        }
    }

    private int PickCluster(double[] cumulativeWeights)
    {
        var u = _random.NextDouble();
        for (var i = 0; i < cumulativeWeights.Length - 1; i++)
        {
            if (u < cumulativeWeights[i])
            {
                return i;
            }
        }

        // The last cluster also absorbs any rounding shortfall of the weight sum.
        return cumulativeWeights.Length - 1;
    }

    private (double X, double Y) PolarPoint(double mu, double sigma)
    {
        var r = mu + (sigma * NextStandardNormal());
        if (mu == 0.0)
        {
            // The reference draws a non-negative radius around a centre: a half-normal.
            r = Math.Abs(r);
        }

        var (sin, cos) = Math.SinCos(TwoPi * _random.NextDouble());
        return (r * cos, r * sin);
    }

    private double NextStandardNormal()
    {
        // Box–Muller, one value per call so the draw order stays simple. 1 − u lies in (0, 1], so Log is finite.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(TwoPi * u2);
    }
}
