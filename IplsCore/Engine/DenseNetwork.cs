namespace IplsCore.Engine;

/// <summary>
/// A dense network whose parameters all live in one flat float32 vector (the unit IPLS partitions
/// and ships). Layers are views into that vector; see <see cref="LayerLayout"/> for the layout.
/// Not thread-safe: one owner mutates it (the trainer); scorers work on immutable
/// <see cref="ScoringModel"/> snapshots.
/// </summary>
public sealed class DenseNetwork
{
    private readonly float[] _parameters;

    public DenseNetwork(NetworkShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Shape = shape;
        _parameters = new float[shape.ParameterCount];
    }

    /// <summary>Creates a network holding a copy of <paramref name="parameters"/>, which must be finite and of the right length.</summary>
    public DenseNetwork(NetworkShape shape, ReadOnlySpan<float> parameters)
        : this(shape)
    {
        SetParameters(parameters);
    }

    public NetworkShape Shape { get; }

    public int ParameterCount => _parameters.Length;

    /// <summary>The live parameter vector. Writing through it bypasses validation; prefer <see cref="SetParameters"/>.</summary>
    public Span<float> Parameters => _parameters;

    /// <summary>Creates a network with Xavier (Glorot normal, as DL4J's XAVIER) weights and zero biases.</summary>
    public static DenseNetwork CreateXavier(NetworkShape shape, int seed)
    {
        var network = new DenseNetwork(shape);
        XavierInitializer.Initialize(shape, network._parameters, seed);
        return network;
    }

    public Span<float> Weights(int layer)
    {
        var l = Shape.Layers[layer];
        return _parameters.AsSpan(l.WeightOffset, l.WeightCount);
    }

    public Span<float> Biases(int layer)
    {
        var l = Shape.Layers[layer];
        return _parameters.AsSpan(l.BiasOffset, l.OutputSize);
    }

    /// <summary>Replaces all parameters; rejects a wrong length or a non-finite value and then changes nothing.</summary>
    public void SetParameters(ReadOnlySpan<float> parameters)
    {
        if (parameters.Length != _parameters.Length)
        {
            throw new ArgumentException($"Expected {_parameters.Length} parameters for a {Shape} network, got {parameters.Length}.", nameof(parameters));
        }

        SetSlice(0, parameters);
    }

    /// <summary>Replaces parameters [offset, offset + values.Length); validates first, so a rejected slice changes nothing.</summary>
    public void SetSlice(int offset, ReadOnlySpan<float> values)
    {
        if (offset < 0 || offset > _parameters.Length || values.Length > _parameters.Length - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"Slice [{offset}, {offset + values.Length}) lies outside the {_parameters.Length} parameters.");
        }

        FiniteCheck.ThrowIfNonFinite(values, "parameters");
        values.CopyTo(_parameters.AsSpan(offset));
    }

    public ReadOnlySpan<float> GetSlice(int offset, int count) => _parameters.AsSpan(offset, count);

    public void CopyParametersTo(Span<float> destination) => _parameters.AsSpan().CopyTo(destination);

    public DenseNetwork Clone() => new(Shape, _parameters);
}
