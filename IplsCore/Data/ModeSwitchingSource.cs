namespace IplsCore.Data;

/// <summary>
/// Serves samples from one of two sources, chosen by <see cref="Mode"/>. Each source keeps its own
/// position, so switching back resumes where it left off.
/// </summary>
/// <remarks>
/// <see cref="Next"/> must be called from one thread at a time; <see cref="Mode"/> may be set from any
/// thread and applies from the next sample on.
/// </remarks>
public sealed class ModeSwitchingSource : ISampleSource
{
    private readonly ISampleSource _normal;
    private readonly ISampleSource _anomaly;
    private volatile GeneratorMode _mode;

    /// <exception cref="ArgumentException">The two sources have different feature counts.</exception>
    public ModeSwitchingSource(ISampleSource normal, ISampleSource anomaly, GeneratorMode mode = GeneratorMode.Normal)
    {
        ArgumentNullException.ThrowIfNull(normal);
        ArgumentNullException.ThrowIfNull(anomaly);
        if (normal.Features != anomaly.Features)
        {
            throw new ArgumentException(
                $"The normal source has {normal.Features} features but the anomaly source has {anomaly.Features}.",
                nameof(anomaly));
        }

        ValidateMode(mode);
        _normal = normal;
        _anomaly = anomaly;
        _mode = mode;
    }

    /// <inheritdoc/>
    public int Features => _normal.Features;

    /// <summary>Which source serves the next sample.</summary>
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

    /// <summary>
    /// Plays a normal and an anomaly CSV file, like the reference generator's normal_file/anomaly_file pair.
    /// </summary>
    /// <exception cref="DataFormatException">A file is missing, empty or malformed.</exception>
    public static ModeSwitchingSource FromFiles(
        string normalPath, string anomalyPath, int seed, GeneratorMode mode = GeneratorMode.Normal)
    {
        const int features = VehicleDataSpec.Features;
        var normal = new CsvPlayback(SensorCsv.ReadFile(normalPath, features), features, seed);

        // A different seed so the two files are not shuffled in lock step.
        var anomaly = new CsvPlayback(SensorCsv.ReadFile(anomalyPath, features), features, unchecked(seed + 1));
        return new ModeSwitchingSource(normal, anomaly, mode);
    }

    /// <inheritdoc/>
    public void Next(Span<float> destination)
    {
        if (destination.Length != Features)
        {
            throw new ArgumentException(
                $"Destination must hold {Features} features, not {destination.Length}.", nameof(destination));
        }

        var source = _mode == GeneratorMode.Anomaly ? _anomaly : _normal;
        source.Next(destination);
    }

    private static void ValidateMode(GeneratorMode mode)
    {
        if (mode is not (GeneratorMode.Normal or GeneratorMode.Anomaly))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown generator mode.");
        }
    }
}
