using IplsCore.Scaling;

namespace IplsCore.Engine;

/// <summary>
/// An immutable snapshot of a trained autoencoder plus its scaler, ready for scoring. Agents swap a
/// newer snapshot into a running <see cref="AnomalyScorer"/> atomically while training continues on
/// its own copy of the parameters.
/// </summary>
public sealed class ScoringModel
{
    private readonly float[] _parameters;

    private ScoringModel(NetworkShape shape, float[] parameters, MinMaxScaler scaler)
    {
        Shape = shape;
        _parameters = parameters;
        Scaler = scaler;
        ForwardLayout = new float[parameters.Length];
        ForwardPass.BuildForwardLayout(shape, parameters, ForwardLayout);
    }

    public NetworkShape Shape { get; }

    public MinMaxScaler Scaler { get; }

    public ReadOnlySpan<float> Parameters => _parameters;

    internal float[] ForwardLayout { get; }

    public static ScoringModel Create(DenseNetwork network, MinMaxScaler scaler)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Create(network.Shape, network.Parameters, scaler);
    }

    /// <summary>Copies and validates the parameters; rejects NaN/Inf and shapes that are not autoencoders over the scaler's features.</summary>
    public static ScoringModel Create(NetworkShape shape, ReadOnlySpan<float> parameters, MinMaxScaler scaler)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(scaler);
        if (shape.InputSize != shape.OutputSize)
        {
            throw new ArgumentException($"Scoring needs an autoencoder (input size = output size); {shape} is not one.", nameof(shape));
        }

        if (scaler.Features != shape.InputSize)
        {
            throw new ArgumentException($"The scaler has {scaler.Features} features but the network takes {shape.InputSize}.", nameof(scaler));
        }

        if (parameters.Length != shape.ParameterCount)
        {
            throw new ArgumentException($"Expected {shape.ParameterCount} parameters for {shape}, got {parameters.Length}.", nameof(parameters));
        }

        FiniteCheck.ThrowIfNonFinite(parameters, "model parameters");
        return new ScoringModel(shape, parameters.ToArray(), scaler);
    }
}
